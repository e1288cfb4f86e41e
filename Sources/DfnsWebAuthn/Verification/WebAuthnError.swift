import DfnsCBOR
import DfnsCrypto

/// A failed WebAuthn check: a stable ``Code`` and a message that says what was expected and what
/// was found.
///
/// The codes are part of the library's contract (the C ABI and the conformance tool print them):
/// never renumber a code, only append new ones.
public struct WebAuthnError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One code per kind of failed check.
    public enum Code: Int32, Sendable, CaseIterable {
        // Input structure
        /// The attestation object, authenticator data or a COSE key is not valid CBOR.
        case malformedCBOR = 100
        /// Bytes follow an item that must end its container.
        case trailingBytes = 101
        /// clientDataJSON is not UTF-8 JSON, not an object, or a member has the wrong type.
        case malformedClientData = 102
        /// The attestation object lacks `fmt`, `attStmt` or `authData`, or one has the wrong type.
        case malformedAttestationObject = 103
        /// Authenticator data is too short, truncated, or its flags disagree with its contents.
        case malformedAuthenticatorData = 104
        /// A COSE key lacks a required parameter or has a wrong one.
        case malformedCOSEKey = 105
        /// A base64url field does not decode.
        case malformedEncoding = 106
        /// An input is larger than the verifier accepts.
        case inputTooLarge = 107

        // Client data
        /// `type` is not `webauthn.create` (registration) or `webauthn.get` (assertion).
        case clientDataType = 200
        /// `challenge` is not the base64url of the expected challenge.
        case challengeMismatch = 201
        /// `origin` is not in the allowed list.
        case originNotAllowed = 202
        /// `crossOrigin` is true but the policy does not allow cross-origin use.
        case crossOriginNotAllowed = 203
        /// `topOrigin` is present but not allowed, or present without `crossOrigin: true`.
        case topOriginNotAllowed = 204

        // Authenticator data
        /// `rpIdHash` is not SHA-256 of the expected RP ID.
        case rpIdHashMismatch = 300
        /// The UP flag is clear.
        case userPresenceMissing = 301
        /// The UV flag is clear while the policy requires user verification.
        case userVerificationMissing = 302
        /// BS is set while BE is clear.
        case backupStateWithoutEligibility = 303
        /// BE differs from the stored backup eligibility of the credential.
        case backupEligibilityChanged = 304
        /// Registration without attested credential data (AT clear).
        case attestedCredentialDataMissing = 305
        /// Assertion whose authenticator data carries attested credential data (AT set).
        case unexpectedAttestedCredentialData = 306
        /// The credential ID is longer than 1023 bytes.
        case credentialIdTooLong = 307
        /// The signature counter did not increase.
        case signCountNotIncreased = 308
        /// The credential ID does not match what the caller expects.
        case credentialIdMismatch = 309

        // Keys and signatures
        /// The key's algorithm is not one the library can verify.
        case unsupportedAlgorithm = 400
        /// The key's algorithm is not in the policy's allowed list.
        case algorithmNotAllowed = 401
        /// The public key is invalid (not on the curve, wrong length, inconsistent parameters).
        case invalidPublicKey = 402
        /// The assertion or attestation signature does not verify.
        case signatureInvalid = 403

        // Attestation
        /// `fmt` is not a supported attestation statement format.
        case unsupportedAttestationFormat = 500
        /// `attStmt` does not follow the format's syntax.
        case malformedAttestationStatement = 501
        /// A certificate in the statement cannot be parsed or breaks the format's requirements.
        case attestationCertificateInvalid = 502
        /// The attestation chain does not lead to a trust anchor (or is outside its validity).
        case attestationNotTrusted = 503
        /// The AAGUID in the attestation certificate differs from the one in authenticator data.
        case aaguidMismatch = 504
        /// The attested key differs from the credential public key.
        case attestedKeyMismatch = 505
        /// A format-specific binding (nonce, extraData, attestationChallenge) does not match.
        case attestationBindingMismatch = 506
        /// The statement is valid but the policy does not accept this attestation (type, SHA-1,
        /// SafetyNet ctsProfileMatch, Android key origin/purpose, compound rules).
        case attestationPolicyViolation = 507
        /// An RS1 (SHA-1) signature without the policy's opt-in.
        case sha1NotAllowed = 508
        /// A FIDO metadata (MDS3) BLOB was refused: its signature, its chain to the given root, its
        /// format or a field, or a `nextUpdate` before the verification time.
        case metadataInvalid = 510
        /// The authenticator's latest metadata status is one the policy refuses (REVOKED, a
        /// compromise or a user-verification bypass).
        case authenticatorStatusNotAccepted = 511
        /// The policy requires a metadata entry for the authenticator and the BLOB has none.
        case metadataEntryMissing = 512

        /// Arguments to the verifier itself are unusable (empty RP ID, bad policy values).
        case invalidArgument = 900
        /// An unexpected failure inside a cryptographic library.
        case internalError = 999

        /// A stable snake_case name, e.g. `challenge_mismatch`.
        public var name: String {
            switch self {
            case .malformedCBOR: return "malformed_cbor"
            case .trailingBytes: return "trailing_bytes"
            case .malformedClientData: return "malformed_client_data"
            case .malformedAttestationObject: return "malformed_attestation_object"
            case .malformedAuthenticatorData: return "malformed_authenticator_data"
            case .malformedCOSEKey: return "malformed_cose_key"
            case .malformedEncoding: return "malformed_encoding"
            case .inputTooLarge: return "input_too_large"
            case .clientDataType: return "client_data_type"
            case .challengeMismatch: return "challenge_mismatch"
            case .originNotAllowed: return "origin_not_allowed"
            case .crossOriginNotAllowed: return "cross_origin_not_allowed"
            case .topOriginNotAllowed: return "top_origin_not_allowed"
            case .rpIdHashMismatch: return "rp_id_hash_mismatch"
            case .userPresenceMissing: return "user_presence_missing"
            case .userVerificationMissing: return "user_verification_missing"
            case .backupStateWithoutEligibility: return "backup_state_without_eligibility"
            case .backupEligibilityChanged: return "backup_eligibility_changed"
            case .attestedCredentialDataMissing: return "attested_credential_data_missing"
            case .unexpectedAttestedCredentialData: return "unexpected_attested_credential_data"
            case .credentialIdTooLong: return "credential_id_too_long"
            case .signCountNotIncreased: return "sign_count_not_increased"
            case .credentialIdMismatch: return "credential_id_mismatch"
            case .unsupportedAlgorithm: return "unsupported_algorithm"
            case .algorithmNotAllowed: return "algorithm_not_allowed"
            case .invalidPublicKey: return "invalid_public_key"
            case .signatureInvalid: return "signature_invalid"
            case .unsupportedAttestationFormat: return "unsupported_attestation_format"
            case .malformedAttestationStatement: return "malformed_attestation_statement"
            case .attestationCertificateInvalid: return "attestation_certificate_invalid"
            case .attestationNotTrusted: return "attestation_not_trusted"
            case .aaguidMismatch: return "aaguid_mismatch"
            case .attestedKeyMismatch: return "attested_key_mismatch"
            case .attestationBindingMismatch: return "attestation_binding_mismatch"
            case .attestationPolicyViolation: return "attestation_policy_violation"
            case .sha1NotAllowed: return "sha1_not_allowed"
            case .metadataInvalid: return "metadata_invalid"
            case .authenticatorStatusNotAccepted: return "authenticator_status_not_accepted"
            case .metadataEntryMissing: return "metadata_entry_missing"
            case .invalidArgument: return "invalid_argument"
            case .internalError: return "internal_error"
            }
        }
    }

    /// Which check failed.
    public let code: Code
    /// What was expected and what was found.
    public let message: String

    /// Creates an error for `code` with a message saying what was expected and what was found.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `"<name>: <message>"`.
    public var description: String { "\(code.name): \(message)" }
}

extension WebAuthnError {
    /// Maps a CBOR decoding failure of `what` to ``Code/malformedCBOR`` or ``Code/trailingBytes``.
    static func cbor(_ error: CBORError, in what: String) -> WebAuthnError {
        if case .trailingBytes = error {
            return WebAuthnError(.trailingBytes, "\(what): \(error)")
        }
        return WebAuthnError(.malformedCBOR, "\(what): \(error)")
    }

    /// Maps a failed signature check on `what` to the matching code.
    static func signature(_ error: CryptoError, in what: String) -> WebAuthnError {
        switch error {
        case .signatureInvalid, .malformedSignature:
            return WebAuthnError(.signatureInvalid, "\(what) does not verify: \(error)")
        case .sha1NotAllowed:
            return WebAuthnError(.sha1NotAllowed, "\(what) uses RS1 (SHA-1), which the policy does not allow")
        case .unsupportedAlgorithm, .algorithmKeyMismatch:
            return WebAuthnError(.unsupportedAlgorithm, "\(what): \(error)")
        case .invalidKey:
            return WebAuthnError(.invalidPublicKey, "\(what): \(error)")
        default:
            return WebAuthnError(.internalError, "\(what): \(error)")
        }
    }
}

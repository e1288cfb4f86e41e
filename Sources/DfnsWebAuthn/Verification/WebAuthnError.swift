import DfnsCBOR
import DfnsCrypto

/// A failed WebAuthn check: a stable ``Code`` and a message that says what was expected and what
/// was found.
///
/// The codes are part of the library's contract (the C ABI and the conformance tool print them):
/// never renumber a code, only append new ones.
public struct WebAuthnError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One code per kind of failed check: a number and a stable snake_case name.
    ///
    /// A struct of static values rather than an enum, so that a new code is an addition, never a
    /// source break: code that switches over codes has a `default` branch. Two codes are equal when
    /// their raw values are equal (each value has one name; names are never compared).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The stable number (the C ABI's status is its negation unless the header maps it).
        public let rawValue: Int32
        /// A stable snake_case name, e.g. `challenge_mismatch`.
        public let name: String

        /// A code; only this file creates codes, one `static let` each.
        private init(_ rawValue: Int32, _ name: String) {
            self.rawValue = rawValue
            self.name = name
        }

        /// The known code with this raw value, or nil when no code has it.
        public init?(rawValue: Int32) {
            guard let known = Code.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
            self = known
        }

        /// Equal when the raw values are.
        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }

        /// Hashes the raw value only.
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

        /// The ``name``.
        public var description: String { name }

        // Input structure
        /// The attestation object, authenticator data or a COSE key is not valid CBOR.
        public static let malformedCBOR = Code(100, "malformed_cbor")
        /// Bytes follow an item that must end its container.
        public static let trailingBytes = Code(101, "trailing_bytes")
        /// clientDataJSON is not UTF-8 JSON, not an object, or a member has the wrong type.
        public static let malformedClientData = Code(102, "malformed_client_data")
        /// The attestation object lacks `fmt`, `attStmt` or `authData`, or one has the wrong type.
        public static let malformedAttestationObject = Code(103, "malformed_attestation_object")
        /// Authenticator data is too short, truncated, or its flags disagree with its contents.
        public static let malformedAuthenticatorData = Code(104, "malformed_authenticator_data")
        /// A COSE key lacks a required parameter or has a wrong one.
        public static let malformedCOSEKey = Code(105, "malformed_cose_key")
        /// A base64url field does not decode.
        public static let malformedEncoding = Code(106, "malformed_encoding")
        /// An input is larger than the verifier accepts.
        public static let inputTooLarge = Code(107, "input_too_large")
        /// A `PublicKeyCredential.toJSON()` document (`RegistrationResponseJSON`,
        /// `AuthenticationResponseJSON`) is not JSON, lacks a member, has one of the wrong type or
        /// a base64url member that does not decode, or its `id`, `rawId` and `type` disagree.
        public static let malformedCredentialJSON = Code(108, "malformed_credential_json")

        // Client data
        /// `type` is not `webauthn.create` (registration) or `webauthn.get` (assertion).
        public static let clientDataType = Code(200, "client_data_type")
        /// `challenge` is not the base64url of the expected challenge.
        public static let challengeMismatch = Code(201, "challenge_mismatch")
        /// `origin` is not in the allowed list.
        public static let originNotAllowed = Code(202, "origin_not_allowed")
        /// `crossOrigin` is true but the policy does not allow cross-origin use.
        public static let crossOriginNotAllowed = Code(203, "cross_origin_not_allowed")
        /// `topOrigin` is present but not allowed, or present without `crossOrigin: true`.
        public static let topOriginNotAllowed = Code(204, "top_origin_not_allowed")

        // Authenticator data
        /// `rpIdHash` is not SHA-256 of the expected RP ID.
        public static let rpIdHashMismatch = Code(300, "rp_id_hash_mismatch")
        /// The UP flag is clear.
        public static let userPresenceMissing = Code(301, "user_presence_missing")
        /// The UV flag is clear while the policy requires user verification.
        public static let userVerificationMissing = Code(302, "user_verification_missing")
        /// BS is set while BE is clear.
        public static let backupStateWithoutEligibility = Code(303, "backup_state_without_eligibility")
        /// BE differs from the stored backup eligibility of the credential.
        public static let backupEligibilityChanged = Code(304, "backup_eligibility_changed")
        /// Registration without attested credential data (AT clear).
        public static let attestedCredentialDataMissing = Code(305, "attested_credential_data_missing")
        /// Assertion whose authenticator data carries attested credential data (AT set).
        public static let unexpectedAttestedCredentialData = Code(306, "unexpected_attested_credential_data")
        /// The credential ID is longer than 1023 bytes.
        public static let credentialIdTooLong = Code(307, "credential_id_too_long")
        /// The signature counter did not increase.
        public static let signCountNotIncreased = Code(308, "sign_count_not_increased")
        /// The credential ID does not match what the caller expects.
        public static let credentialIdMismatch = Code(309, "credential_id_mismatch")

        // Keys and signatures
        /// The key's algorithm is not one the library can verify.
        public static let unsupportedAlgorithm = Code(400, "unsupported_algorithm")
        /// The key's algorithm is not in the policy's allowed list.
        public static let algorithmNotAllowed = Code(401, "algorithm_not_allowed")
        /// The public key is invalid (not on the curve, wrong length, inconsistent parameters).
        public static let invalidPublicKey = Code(402, "invalid_public_key")
        /// The assertion or attestation signature does not verify.
        public static let signatureInvalid = Code(403, "signature_invalid")

        // Attestation
        /// `fmt` is not a supported attestation statement format.
        public static let unsupportedAttestationFormat = Code(500, "unsupported_attestation_format")
        /// `attStmt` does not follow the format's syntax.
        public static let malformedAttestationStatement = Code(501, "malformed_attestation_statement")
        /// A certificate in the statement cannot be parsed or breaks the format's requirements.
        public static let attestationCertificateInvalid = Code(502, "attestation_certificate_invalid")
        /// The attestation chain does not lead to a trust anchor (or is outside its validity).
        public static let attestationNotTrusted = Code(503, "attestation_not_trusted")
        /// The AAGUID in the attestation certificate differs from the one in authenticator data.
        public static let aaguidMismatch = Code(504, "aaguid_mismatch")
        /// The attested key differs from the credential public key.
        public static let attestedKeyMismatch = Code(505, "attested_key_mismatch")
        /// A format-specific binding (nonce, extraData, attestationChallenge) does not match.
        public static let attestationBindingMismatch = Code(506, "attestation_binding_mismatch")
        /// The statement is valid but the policy does not accept this attestation (type, SHA-1,
        /// SafetyNet ctsProfileMatch, Android key origin/purpose, compound rules).
        public static let attestationPolicyViolation = Code(507, "attestation_policy_violation")
        /// An RS1 (SHA-1) signature without the policy's opt-in.
        public static let sha1NotAllowed = Code(508, "sha1_not_allowed")
        /// A FIDO metadata (MDS3) BLOB was refused: its signature, its chain to the given root, its
        /// format or a field, or a `nextUpdate` before the verification time.
        public static let metadataInvalid = Code(510, "metadata_invalid")
        /// The authenticator's latest metadata status is one the policy refuses (REVOKED, a
        /// compromise or a user-verification bypass).
        public static let authenticatorStatusNotAccepted = Code(511, "authenticator_status_not_accepted")
        /// The policy requires a metadata entry for the authenticator and the BLOB has none.
        public static let metadataEntryMissing = Code(512, "metadata_entry_missing")

        // Calling errors
        /// The relying-party policy cannot be used: an empty RP ID, or a policy value out of range
        /// (a negative SafetyNet window, a verification time whose milliseconds overflow).
        public static let invalidPolicy = Code(900, "invalid_policy")
        /// An argument other than the policy is unusable: a clientDataHash of the wrong length, a
        /// software authenticator's credential ID, RP ID or user handle out of range.
        public static let invalidArgument = Code(901, "invalid_argument")
        /// No credential with the given ID exists where it was looked up (the software
        /// authenticator, for an ID it does not hold or holds for another RP ID).
        public static let unknownCredential = Code(902, "unknown_credential")

        /// An unexpected failure inside a cryptographic library.
        public static let internalError = Code(999, "internal_error")

        /// Every code, in ascending order of ``rawValue``: what ``init(rawValue:)`` knows, and
        /// what tests walk to cross-check the C status table. A new code is appended here too.
        public static let allCases: [Code] = [
            .malformedCBOR, .trailingBytes, .malformedClientData, .malformedAttestationObject,
            .malformedAuthenticatorData, .malformedCOSEKey, .malformedEncoding, .inputTooLarge, .malformedCredentialJSON,
            .clientDataType, .challengeMismatch, .originNotAllowed, .crossOriginNotAllowed, .topOriginNotAllowed,
            .rpIdHashMismatch, .userPresenceMissing, .userVerificationMissing, .backupStateWithoutEligibility,
            .backupEligibilityChanged, .attestedCredentialDataMissing, .unexpectedAttestedCredentialData,
            .credentialIdTooLong, .signCountNotIncreased, .credentialIdMismatch,
            .unsupportedAlgorithm, .algorithmNotAllowed, .invalidPublicKey, .signatureInvalid,
            .unsupportedAttestationFormat, .malformedAttestationStatement, .attestationCertificateInvalid,
            .attestationNotTrusted, .aaguidMismatch, .attestedKeyMismatch, .attestationBindingMismatch,
            .attestationPolicyViolation, .sha1NotAllowed, .metadataInvalid, .authenticatorStatusNotAccepted, .metadataEntryMissing,
            .invalidPolicy, .invalidArgument, .unknownCredential,
            .internalError,
        ]
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

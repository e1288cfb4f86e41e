import DfnsCBOR
import DfnsCrypto

/// Verifies registration ceremonies (WebAuthn §7.1) under a ``RelyingPartyPolicy``.
///
/// Stateless apart from the policy, which is validated and whose RP IDs are hashed once, when the
/// verifier is built; safe to share across threads. The caller still owns the steps that need its
/// database: issuing and consuming the challenge, and checking that the credential ID is not
/// already registered (step 26).
public struct RegistrationVerifier: Sendable {
    /// The relying party's policy.
    public let policy: RelyingPartyPolicy
    private let rpIdHashes: AcceptedRPIDHashes
    /// Why the policy cannot be used, found when the verifier was built; thrown by every call.
    private let policyProblem: WebAuthnError?

    /// Creates a verifier for `policy`. An unusable policy is reported by each call rather than here
    /// (``WebAuthnError/Code/invalidPolicy``).
    public init(policy: RelyingPartyPolicy) {
        self.policy = policy
        self.rpIdHashes = AcceptedRPIDHashes(policy: policy, includingAppid: false)
        do {
            try policy.validate()
            policyProblem = nil
        } catch {
            policyProblem = error
        }
    }

    /// Verifies a registration response.
    ///
    /// - Parameters:
    ///   - clientDataJSON: `response.clientDataJSON`, the exact bytes.
    ///   - attestationObject: `response.attestationObject`.
    ///   - expectedChallenge: the challenge bytes issued for this ceremony.
    ///   - rawId: the response's `rawId`, when the caller has it: it must equal the credential ID
    ///     in authenticator data ([hardening]; a mismatch is ``WebAuthnError/Code/credentialIdMismatch``).
    /// - Returns: the credential to store.
    /// - Throws: ``WebAuthnError`` naming the first check that failed.
    public func verify(clientDataJSON: [UInt8], attestationObject: [UInt8], expectedChallenge: [UInt8],
                       rawId: [UInt8]? = nil) throws(WebAuthnError) -> RegistrationResult {
        if let policyProblem { throw policyProblem }
        let clientData = try CollectedClientData(bytes: clientDataJSON)
        try clientData.verify(expectedTypes: policy.registrationClientDataTypes, expectedChallenge: expectedChallenge, policy: policy)
        let result = try verifyStatement(attestationObject: attestationObject, clientDataHash: clientData.hash)
        if let rawId, !ConstantTime.equals(rawId, result.credentialId) {
            throw WebAuthnError(.credentialIdMismatch,
                                "rawId (\(rawId.count) bytes) differs from the credential ID in authenticator data (\(result.credentialId.count) bytes)")
        }
        return result
    }

    /// Verifies an attestation object against a client data hash computed elsewhere (CTAP-level
    /// use, where no clientDataJSON exists): registration steps 13–25 without the client data checks.
    public func verifyAttestation(attestationObject: [UInt8], clientDataHash: [UInt8]) throws(WebAuthnError) -> RegistrationResult {
        if let policyProblem { throw policyProblem }
        return try verifyStatement(attestationObject: attestationObject, clientDataHash: clientDataHash)
    }

    /// Registration steps 13–25 on a validated policy.
    private func verifyStatement(attestationObject: [UInt8], clientDataHash: [UInt8]) throws(WebAuthnError) -> RegistrationResult {
        // One "now" for the ceremony: the statement checks (SafetyNet freshness) and the certificate
        // chain evaluation below read the same instant, the policy's verification time when set.
        let policy = self.policy.pinningVerificationTime()
        guard clientDataHash.count == 32 else {
            throw WebAuthnError(.invalidArgument, "clientDataHash must be 32 bytes, found \(clientDataHash.count)")
        }
        let object = try AttestationObject(bytes: attestationObject, allowIndefiniteLength: policy.allowIndefiniteLengthCBOR)
        let authData = object.authenticatorData

        let matched = try rpIdHashes.match(authData.rpIdHash)
        try AuthenticatorDataChecks.checkFlags(authData.flags, policy: policy)
        guard let attested = authData.attestedCredentialData else {
            throw WebAuthnError(.attestedCredentialDataMissing, "registration authenticator data has no attested credential data (AT flag clear)")
        }
        let credentialKey = try CredentialPublicKey(coseBytes: attested.credentialPublicKeyBytes, decoded: attested.credentialPublicKey)
        guard policy.allowedAlgorithms.contains(credentialKey.algorithm) else {
            throw WebAuthnError(.algorithmNotAllowed, "credential algorithm \(credentialKey.algorithm.name) (\(credentialKey.algorithm.rawValue)) is not among the allowed algorithms")
        }
        if credentialKey.algorithm == .rs1 && !policy.allowSHA1 {
            throw WebAuthnError(.sha1NotAllowed, "an RS1 credential key needs the policy's SHA-1 opt-in")
        }
        let context = AttestationContext(statement: object.statement, authenticatorData: authData,
                                         clientDataHash: clientDataHash, credentialPublicKey: credentialKey, policy: policy)
        let attestation = try AttestationFormats.verify(fmt: object.format, context)
        let trust = try AttestationTrust.evaluate(attestation, policy: policy, aaguid: attested.aaguid)
        return RegistrationResult(credentialId: attested.credentialId, credentialPublicKey: credentialKey,
                                  aaguid: attested.aaguid, signCount: authData.signCount, flags: authData.flags,
                                  format: object.format, attestation: attestation, trust: trust.status,
                                  extensions: authData.extensions, authenticatorData: authData, rpId: matched.identifier,
                                  metadata: trust.metadata)
    }
}

/// Flag checks shared by registration and assertion.
enum AuthenticatorDataChecks {
    /// UP (unless the policy relaxes it), UV when required, and BS ⇒ BE.
    static func checkFlags(_ flags: AuthenticatorFlags, policy: RelyingPartyPolicy) throws(WebAuthnError) {
        if policy.requireUserPresence && !flags.contains(.userPresent) {
            throw WebAuthnError(.userPresenceMissing, "the UP flag must be set, flags are 0x\(String(flags.rawValue, radix: 16))")
        }
        if policy.requireUserVerification && !flags.contains(.userVerified) {
            throw WebAuthnError(.userVerificationMissing, "the policy requires user verification but the UV flag is clear")
        }
        if flags.contains(.backupState) && !flags.contains(.backupEligible) {
            throw WebAuthnError(.backupStateWithoutEligibility, "the BS flag is set while BE is clear")
        }
    }
}

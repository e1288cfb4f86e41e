import DfnsCrypto

/// Verifies authentication ceremonies (WebAuthn §7.2) under a ``RelyingPartyPolicy``.
///
/// The hot path of a relying party: with a kept ``CredentialPublicKey`` it parses clientDataJSON
/// and authenticator data, hashes once, and checks one signature, importing no key. The policy is
/// validated and its RP IDs (and AppID) hashed once, when the verifier is built. Safe to share
/// across threads. The caller owns the steps that need its database: looking up the credential by
/// ID and the user handle (steps 5–6) and storing the updated counter and backup state (step 24).
public struct AssertionVerifier: Sendable {
    /// The relying party's policy.
    public let policy: RelyingPartyPolicy
    private let rpIdHashes: AcceptedRPIDHashes
    /// Why the policy cannot be used, found when the verifier was built; thrown by every call.
    private let policyProblem: WebAuthnError?

    /// Creates a verifier for `policy`. An unusable policy (see the verify methods' errors) is
    /// reported by each call rather than here.
    public init(policy: RelyingPartyPolicy) {
        self.policy = policy
        self.rpIdHashes = AcceptedRPIDHashes(policy: policy, includingAppid: true)
        do {
            try policy.validate()
            policyProblem = nil
        } catch {
            policyProblem = error
        }
    }

    /// Verifies an assertion response.
    ///
    /// - Parameters:
    ///   - clientDataJSON: `response.clientDataJSON`, the exact bytes.
    ///   - authenticatorData: `response.authenticatorData`.
    ///   - signature: `response.signature`.
    ///   - expectedChallenge: the challenge bytes issued for this ceremony.
    ///   - credential: the stored credential the response names.
    ///   - rawId: the response's `rawId`, when the caller has it: it must equal the stored
    ///     credential's ID (steps 5–6; a mismatch is ``WebAuthnError/Code/credentialIdMismatch``).
    ///   - appidExtensionUsed: whether the client reported the FIDO `appid` extension output as
    ///     true (`clientExtensionResults.appid`): only then may `rpIdHash` be SHA-256 of the
    ///     policy's ``RelyingPartyPolicy/appid``.
    /// - Throws: ``WebAuthnError`` naming the first check that failed;
    ///   ``WebAuthnError/Code/invalidPolicy`` for an unusable policy.
    public func verify(clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8],
                       expectedChallenge: [UInt8], credential: StoredCredential,
                       rawId: [UInt8]? = nil, appidExtensionUsed: Bool = false) throws(WebAuthnError) -> AssertionResult {
        if let policyProblem { throw policyProblem }
        if let rawId, !ConstantTime.equals(rawId, credential.credentialId) {
            throw WebAuthnError(.credentialIdMismatch, "rawId does not name the stored credential")
        }
        let clientData = try CollectedClientData(bytes: clientDataJSON)
        try clientData.verify(expectedTypes: policy.assertionClientDataTypes, expectedChallenge: expectedChallenge, policy: policy)
        return try verifyAuthenticatorData(clientDataHash: clientData.hash, authenticatorData: authenticatorData,
                                           signature: signature, credential: credential, appidExtensionUsed: appidExtensionUsed)
    }

    /// Verifies an assertion against a client data hash computed elsewhere (CTAP-level use):
    /// assertion steps 15–22 without the client data checks.
    ///
    /// - Parameter appidExtensionUsed: as in
    ///   ``verify(clientDataJSON:authenticatorData:signature:expectedChallenge:credential:rawId:appidExtensionUsed:)``.
    /// - Throws: ``WebAuthnError`` naming the first check that failed;
    ///   ``WebAuthnError/Code/invalidPolicy`` for an unusable policy; ``WebAuthnError/Code/invalidArgument`` for a hash that is not 32 bytes.
    public func verify(clientDataHash: [UInt8], authenticatorData: [UInt8], signature: [UInt8],
                       credential: StoredCredential, appidExtensionUsed: Bool = false) throws(WebAuthnError) -> AssertionResult {
        if let policyProblem { throw policyProblem }
        return try verifyAuthenticatorData(clientDataHash: clientDataHash, authenticatorData: authenticatorData,
                                           signature: signature, credential: credential, appidExtensionUsed: appidExtensionUsed)
    }

    /// Steps 15–22 on a validated policy.
    private func verifyAuthenticatorData(clientDataHash: [UInt8], authenticatorData: [UInt8], signature: [UInt8],
                                         credential: StoredCredential, appidExtensionUsed: Bool) throws(WebAuthnError) -> AssertionResult {
        guard clientDataHash.count == 32 else {
            throw WebAuthnError(.invalidArgument, "clientDataHash must be 32 bytes, found \(clientDataHash.count)")
        }
        let authData = try AuthenticatorData(bytes: authenticatorData)
        let matched = try rpIdHashes.match(authData.rpIdHash, appidExtensionUsed: appidExtensionUsed)
        try AuthenticatorDataChecks.checkFlags(authData.flags, policy: policy)
        guard authData.attestedCredentialData == nil else {
            throw WebAuthnError(.unexpectedAttestedCredentialData, "assertion authenticator data must not carry attested credential data (AT flag set)")
        }
        if let storedBE = credential.backupEligible, storedBE != authData.flags.contains(.backupEligible) {
            throw WebAuthnError(.backupEligibilityChanged,
                                "backup eligibility was \(storedBE) at registration, the assertion says \(!storedBE)")
        }
        let key = credential.publicKey
        guard policy.allowedAlgorithms.contains(key.algorithm) || (key.algorithm == .rs1 && policy.allowSHA1) else {
            throw WebAuthnError(.algorithmNotAllowed, "credential algorithm \(key.algorithm.name) is not among the allowed algorithms")
        }
        do {
            try key.verify(signature: signature, authenticatorData: authenticatorData, clientDataHash: clientDataHash,
                           allowSHA1: policy.allowSHA1)
        } catch {
            throw WebAuthnError.signature(error, in: "assertion signature")
        }
        var regressed = false
        if authData.signCount != 0 || credential.signCount != 0, authData.signCount <= credential.signCount {
            guard policy.signCountPolicy == .flag else {
                throw WebAuthnError(.signCountNotIncreased,
                                    "signature counter must exceed the stored \(credential.signCount), found \(authData.signCount)")
            }
            regressed = true
        }
        return AssertionResult(credentialId: credential.credentialId, signCount: authData.signCount, flags: authData.flags,
                               signCountRegressed: regressed, extensions: authData.extensions,
                               rpId: matched.identifier, appidUsed: matched.isAppid)
    }
}

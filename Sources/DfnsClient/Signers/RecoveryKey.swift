import DfnsCrypto

/// RecoveryKey credentials (reference/dfns-protocol.md §3.6, §6): a P-256 key wrapped under a
/// ``RecoveryCode`` in the ``PasswordProtectedKey`` envelope, attested like a Key credential, and
/// used once to sign the `recovery` assertion of `POST /auth/recover/user`.
public enum RecoveryKey {
    /// `credentialKind` and assertion `kind` of a recovery credential.
    public static let credentialKind = "RecoveryKey"

    /// Generates a recovery code and a new P-256 key, wraps the key under the code and `username`,
    /// and attests it for the registration/credential `challenge` as a `RecoveryKey` credential
    /// carrying its `encryptedPrivateKey`. Show the code to the user once; Dfns keeps the envelope.
    public static func createCredential(challenge: String, username: String, credentialName: String? = nil)
        throws(SignerError) -> (recoveryCode: RecoveryCode, envelope: PasswordProtectedKey, attestation: KeyAttestation)
    {
        let code = try RecoveryCode.generate()
        let created = try createCredential(challenge: challenge, recoveryCode: code, username: username,
                                           credentialName: credentialName)
        return (code, created.envelope, created.attestation)
    }

    /// The same with a given recovery code.
    public static func createCredential(challenge: String, recoveryCode: RecoveryCode, username: String,
                                        credentialName: String? = nil)
        throws(SignerError) -> (envelope: PasswordProtectedKey, attestation: KeyAttestation)
    {
        let credential = try KeyCredential.generate(.p256)
        let envelope = try PasswordProtectedKey.wrap(credential, password: recoveryCode.secret, username: username)
        let attestation = try KeyAttestation(credential: credential, challenge: challenge, credentialName: credentialName,
                                             credentialKind: credentialKind,
                                             encryptedPrivateKey: envelope.encryptedPrivateKey)
        return (envelope, attestation)
    }

    /// Decrypts an `encryptedRecoveryKey` (from `allowedRecoveryCredentials`) with the recovery code
    /// and signs `challenge` (for recovery: base64url of the compact JSON of `newCredentials`, §6)
    /// as a `key.get` assertion. Send it with `jsonValue(kind: RecoveryKey.credentialKind)`.
    ///
    /// - Throws: ``SignerError/malformedEnvelope(_:)``, ``SignerError/wrongPasswordOrCorruptedEnvelope``,
    ///   ``SignerError/invalidArgument(_:)``.
    public static func sign(challenge: String, encryptedRecoveryKey: String, recoveryCode: RecoveryCode,
                            username: String, credentialId: String) throws(SignerError) -> KeyAssertion {
        let envelope = try PasswordProtectedKey(encryptedPrivateKey: encryptedRecoveryKey)
        return try envelope.sign(challenge: challenge, allowedCredentialIds: nil, password: recoveryCode.secret,
                                 username: username, credentialId: credentialId)
    }
}

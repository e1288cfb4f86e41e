import DfnsClient
import DfnsEncoding
import DfnsProtocol

// The signers the dfns_signer_new_* functions make. Each signs without suspending, so the C
// interface (blocking by design) calls them directly; a client calls the same code through
// `UserActionSigner.sign(_:)`.

/// A user-action signer that signs synchronously and names its credential.
protocol BlockingUserActionSigner: UserActionSigner {
    /// The `credId` its assertions carry.
    var bridgeCredentialId: String { get }
    /// The `firstFactor` of `POST /auth/action` for `challenge`.
    func firstFactor(for challenge: UserActionChallenge) throws(SignerError) -> JSONValue
}

extension KeySigner: BlockingUserActionSigner {
    var bridgeCredentialId: String { credential.credentialId }

    func firstFactor(for challenge: UserActionChallenge) throws(SignerError) -> JSONValue {
        try sign(challenge: challenge.challenge, allowedCredentialIds: challenge.allowedKeyCredentialIds).jsonValue
    }
}

extension ExternalKeySigner: BlockingUserActionSigner {
    var bridgeCredentialId: String { credentialId }

    func firstFactor(for challenge: UserActionChallenge) throws(SignerError) -> JSONValue {
        try sign(challenge: challenge.challenge, allowedCredentialIds: challenge.allowedKeyCredentialIds).jsonValue
    }
}

extension WebAuthnSigner: BlockingUserActionSigner {
    var bridgeCredentialId: String { credId }

    func firstFactor(for challenge: UserActionChallenge) throws(SignerError) -> JSONValue {
        try assertion(for: challenge).jsonValue
    }
}

/// A PasswordProtectedKey or RecoveryKey credential whose envelope was opened when the signer was
/// made: the key lives in the ``KeyCredential`` (OpenSSL key object), never in a property of
/// this type; the password or recovery code is not kept.
struct UnwrappedKeySigner: BlockingUserActionSigner {
    /// The decrypted credential.
    let credential: KeyCredential
    /// The assertion `kind`: `PasswordProtectedKey` or `RecoveryKey`.
    let kind: String
    /// Whether the challenge's allow-lists are checked (not for a recovery key, which no
    /// user-action challenge lists).
    let checksAllowList: Bool

    /// A password-protected key signer.
    static func passwordProtected(_ credential: KeyCredential) -> UnwrappedKeySigner {
        UnwrappedKeySigner(credential: credential, kind: PasswordProtectedKey.credentialKind, checksAllowList: true)
    }

    /// A recovery key signer.
    static func recovery(_ credential: KeyCredential) -> UnwrappedKeySigner {
        UnwrappedKeySigner(credential: credential, kind: RecoveryKey.credentialKind, checksAllowList: false)
    }

    var bridgeCredentialId: String { credential.credentialId }

    /// The ids the challenge allows: `allowCredentials.key` and `.passwordProtectedKey` together
    /// (a password-protected key is listed under either, depending on the server version), or
    /// nil when the challenge has neither list.
    static func allowedIds(_ challenge: UserActionChallenge) -> [String]? {
        let keys = challenge.allowCredentials?.key?.map(\.id)
        let protected = challenge.allowCredentials?.passwordProtectedKey?.map(\.id)
        if keys == nil && protected == nil { return nil }
        return (keys ?? []) + (protected ?? [])
    }

    func firstFactor(for challenge: UserActionChallenge) throws(SignerError) -> JSONValue {
        let allowed = checksAllowList ? UnwrappedKeySigner.allowedIds(challenge) : nil
        return try KeySigner(credential: credential).sign(challenge: challenge.challenge, allowedCredentialIds: allowed)
            .jsonValue(kind: kind)
    }

    func sign(_ challenge: UserActionChallenge) async throws -> JSONValue {
        try firstFactor(for: challenge)
    }
}

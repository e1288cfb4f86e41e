import DfnsCrypto
import DfnsProtocol

/// Signs Dfns challenges with a Key credential whose private key lives in an ``ExternalSigner``
/// (HSM, KMS, host callback), producing the same ``KeyAssertion`` as ``KeySigner``.
///
/// Before calling the backend it makes the same checks as ``KeySigner`` (non-empty challenge,
/// credential in `allowCredentials.key`). After, it checks the returned bytes have the shape of a
/// signature of the key kind and, when the public key is known, that the signature verifies over
/// the clientData: a misbehaving backend (wrong key, raw instead of DER, a digest signed twice) is
/// caught here instead of by the server, and nothing wrong is sent.
public struct ExternalKeySigner: Sendable {
    /// The credential id.
    public let credentialId: String
    /// The key kind, passed to the backend with each message.
    public let keyKind: KeyCredentialKind
    /// The credential's public key, when known: every returned signature is verified with it.
    public let publicKey: PublicKey?
    /// The backend.
    public let backend: any ExternalSigner

    /// A signer for the credential `credentialId` of kind `keyKind`.
    ///
    /// - Parameter publicKey: the credential's public key; strongly recommended, as it lets every
    ///   signature be checked before it is sent. It must be of kind `keyKind`.
    /// - Throws: ``SignerError/keyKindMismatch(_:)``, ``SignerError/unsupportedKeyType(_:)`` or
    ///   ``SignerError/invalidArgument(_:)`` for an empty credential id.
    public init(credentialId: String, keyKind: KeyCredentialKind, publicKey: PublicKey? = nil,
                backend: any ExternalSigner) throws(SignerError) {
        try ExternalKeySigner.checkKey(credentialId: credentialId, keyKind: keyKind, publicKey: publicKey)
        self.credentialId = credentialId
        self.keyKind = keyKind
        self.publicKey = publicKey
        self.backend = backend
    }

    /// A signer whose key kind is taken from its public key (SPKI PEM, `-----BEGIN PUBLIC KEY-----`).
    public init(credentialId: String, publicKeyPEM: String, backend: any ExternalSigner) throws(SignerError) {
        let key = try ExternalKeySigner.importPublicKey(pem: publicKeyPEM)
        try self.init(credentialId: credentialId, keyKind: KeyCredentialKind(publicKey: key), publicKey: key,
                      backend: backend)
    }

    /// Signs `challenge` through the backend; same parameters and checks as
    /// ``KeySigner/sign(challenge:allowedCredentialIds:)``.
    ///
    /// - Throws: ``SignerError/credentialNotAllowed(credentialId:)``,
    ///   ``SignerError/invalidArgument(_:)``, ``SignerError/externalSignerFailed(_:)``,
    ///   ``SignerError/externalSignatureMalformed(_:)`` or ``SignerError/externalSignatureInvalid``.
    public func sign(challenge: String, allowedCredentialIds: [String]?) throws(SignerError) -> KeyAssertion {
        try KeySigner.checkAllowed(credentialId, challenge: challenge, allowed: allowedCredentialIds)
        let clientData = KeyClientData.assertion(challenge: challenge)
        let signature: [UInt8]
        do {
            signature = try backend.sign(clientData, keyKind: keyKind)
        } catch {
            throw .externalSignerFailed(String(describing: error))
        }
        return try ExternalKeySigner.assertion(credentialId: credentialId, keyKind: keyKind, publicKey: publicKey,
                                               clientData: clientData, signature: signature)
    }

    // MARK: - Shared with AsyncExternalKeySigner

    internal static func checkKey(credentialId: String, keyKind: KeyCredentialKind, publicKey: PublicKey?) throws(SignerError) {
        guard !credentialId.isEmpty else { throw .invalidArgument("empty credential id") }
        if let publicKey {
            let actual = try KeyCredentialKind(publicKey: publicKey)
            guard actual == keyKind else {
                throw .keyKindMismatch("the public key is \(actual.rawValue), the signer was declared \(keyKind.rawValue)")
            }
        }
    }

    internal static func importPublicKey(pem: String) throws(SignerError) -> PublicKey {
        do {
            return try PublicKey(pem: pem)
        } catch {
            throw .invalidKeyEncoding(error.description)
        }
    }

    /// Checks a backend's signature over `clientData` and builds the assertion.
    internal static func assertion(credentialId: String, keyKind: KeyCredentialKind, publicKey: PublicKey?,
                                   clientData: [UInt8], signature: [UInt8]) throws(SignerError) -> KeyAssertion {
        try keyKind.checkSignatureShape(signature)
        if let publicKey {
            do {
                try publicKey.verify(signature: signature, message: clientData, algorithm: keyKind.coseAlgorithm)
            } catch {
                throw .externalSignatureInvalid
            }
        }
        return KeyAssertion(credentialId: credentialId, clientDataBytes: clientData, signatureBytes: signature,
                            algorithm: keyKind.assertionAlgorithm)
    }
}

/// The `async` form of ``ExternalKeySigner``, for an ``AsyncExternalSigner`` (or a synchronous
/// ``ExternalSigner``, called from the async context). Same checks, same output.
public struct AsyncExternalKeySigner: Sendable {
    /// The credential id.
    public let credentialId: String
    /// The key kind, passed to the backend with each message.
    public let keyKind: KeyCredentialKind
    /// The credential's public key, when known: every returned signature is verified with it.
    public let publicKey: PublicKey?
    /// The backend.
    public let backend: any AsyncExternalSigner

    /// A signer for the credential `credentialId` of kind `keyKind`; see
    /// ``ExternalKeySigner/init(credentialId:keyKind:publicKey:backend:)``.
    public init(credentialId: String, keyKind: KeyCredentialKind, publicKey: PublicKey? = nil,
                backend: any AsyncExternalSigner) throws(SignerError) {
        try ExternalKeySigner.checkKey(credentialId: credentialId, keyKind: keyKind, publicKey: publicKey)
        self.credentialId = credentialId
        self.keyKind = keyKind
        self.publicKey = publicKey
        self.backend = backend
    }

    /// A signer whose key kind is taken from its public key (SPKI PEM).
    public init(credentialId: String, publicKeyPEM: String, backend: any AsyncExternalSigner) throws(SignerError) {
        let key = try ExternalKeySigner.importPublicKey(pem: publicKeyPEM)
        try self.init(credentialId: credentialId, keyKind: KeyCredentialKind(publicKey: key), publicKey: key,
                      backend: backend)
    }

    /// An async signer over a synchronous backend.
    public init(credentialId: String, keyKind: KeyCredentialKind, publicKey: PublicKey? = nil,
                backend: any ExternalSigner) throws(SignerError) {
        try self.init(credentialId: credentialId, keyKind: keyKind, publicKey: publicKey,
                      backend: SynchronousBackend(backend: backend))
    }

    /// Signs `challenge` through the backend; same parameters, checks and errors as
    /// ``ExternalKeySigner/sign(challenge:allowedCredentialIds:)``.
    public func sign(challenge: String, allowedCredentialIds: [String]?) async throws(SignerError) -> KeyAssertion {
        try KeySigner.checkAllowed(credentialId, challenge: challenge, allowed: allowedCredentialIds)
        let clientData = KeyClientData.assertion(challenge: challenge)
        let signature: [UInt8]
        do {
            signature = try await backend.sign(clientData, keyKind: keyKind)
        } catch {
            throw .externalSignerFailed(String(describing: error))
        }
        return try ExternalKeySigner.assertion(credentialId: credentialId, keyKind: keyKind, publicKey: publicKey,
                                               clientData: clientData, signature: signature)
    }

    /// A synchronous backend seen as an asynchronous one.
    private struct SynchronousBackend: AsyncExternalSigner {
        let backend: any ExternalSigner

        func sign(_ message: [UInt8], keyKind: KeyCredentialKind) async throws -> [UInt8] {
            try backend.sign(message, keyKind: keyKind)
        }
    }
}

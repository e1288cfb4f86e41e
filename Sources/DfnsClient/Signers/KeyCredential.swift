import DfnsCrypto
import DfnsEncoding

/// A Dfns Key credential held in this process: a private key (Ed25519, P-256, secp256k1 or RSA of
/// 2048 bits or more) and the credential id Dfns knows it by.
///
/// The private key stays inside DfnsCrypto's `PrivateKey` (an OpenSSL key object, and a wiped
/// buffer for the secp256k1 scalar); this type never copies key bytes into a property, and its
/// `description` and `debugDescription` show only the kind and the credential id. Immutable and
/// safe to share between threads.
public final class KeyCredential: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The key type.
    public let kind: KeyCredentialKind
    /// The credential id (`credId`) Dfns knows this credential by.
    public let credentialId: String
    /// The private key.
    internal let privateKey: PrivateKey

    /// Wraps `privateKey` as a credential. With no `credentialId`, the id is
    /// ``credentialId(for:)`` of its public key (base64url of SHA-256 of the SPKI DER), the id the
    /// newest SDK gives a new key (§3.6); a key registered earlier keeps the id Dfns returned for it
    /// (e.g. the `credId` of a service account or personal access token).
    ///
    /// - Throws: ``SignerError/unsupportedKeyType(_:)`` for P-384, P-521, Ed448 or RSA below 2048
    ///   bits; ``SignerError/invalidArgument(_:)`` for an empty credential id.
    public init(privateKey: PrivateKey, credentialId: String? = nil) throws(SignerError) {
        self.kind = try KeyCredentialKind(keyType: privateKey.type)
        self.privateKey = privateKey
        if let credentialId {
            guard !credentialId.isEmpty else { throw .invalidArgument("empty credential id") }
            self.credentialId = credentialId
        } else {
            self.credentialId = KeyCredential.credentialId(for: privateKey.publicKey)
        }
    }

    /// Loads an unencrypted PEM private key: PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or
    /// PKCS#1 (`RSA PRIVATE KEY`). Encrypted PEM is refused (no passphrase is ever prompted for).
    ///
    /// - Throws: ``SignerError/invalidKeyEncoding(_:)`` or ``SignerError/unsupportedKeyType(_:)``.
    public convenience init(privateKeyPEM pem: String, credentialId: String? = nil) throws(SignerError) {
        var bytes = Array(pem.utf8)
        defer { _ = bytes.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        try self.init(privateKeyPEMBytes: bytes, credentialId: credentialId)
    }

    /// The same from the PEM text's bytes (wiped by the caller): no Swift `String` is made of them.
    public convenience init(privateKeyPEMBytes pem: [UInt8], credentialId: String? = nil) throws(SignerError) {
        let key: PrivateKey
        do {
            key = try PrivateKey(pemBytes: pem)
        } catch {
            throw KeyCredential.loadError(error)
        }
        try self.init(privateKey: key, credentialId: credentialId)
    }

    /// Loads an unencrypted DER private key: PKCS#8 PrivateKeyInfo, or the traditional SEC1
    /// `ECPrivateKey` (with its named curve) or PKCS#1 `RSAPrivateKey`.
    ///
    /// - Throws: ``SignerError/invalidKeyEncoding(_:)`` or ``SignerError/unsupportedKeyType(_:)``.
    public convenience init(privateKeyDER der: [UInt8], credentialId: String? = nil) throws(SignerError) {
        guard !der.isEmpty else { throw .invalidKeyEncoding("empty DER private key") }
        let key: PrivateKey
        do {
            key = try PrivateKey(pkcs8DER: der)
        } catch let pkcs8Error {
            // A PKCS#8 structure holding a key of another type: report that type.
            if case .invalidKey = pkcs8Error { throw KeyCredential.loadError(pkcs8Error) }
            // The traditional forms: SEC1 ECPrivateKey or PKCS#1 RSAPrivateKey.
            do {
                key = try PrivateKey(traditionalDER: der)
            } catch {
                if case .invalidKey = error { throw KeyCredential.loadError(error) }
                throw .invalidKeyEncoding("not a PKCS#8, SEC1 or PKCS#1 DER private key")
            }
        }
        try self.init(privateKey: key, credentialId: credentialId)
    }

    /// Generates a new credential of `kind` (RSA with `rsaBits`, 2048...16384), with the credential
    /// id ``credentialId(for:)`` of its public key.
    public static func generate(_ kind: KeyCredentialKind, rsaBits: Int = 2048) throws(SignerError) -> KeyCredential {
        let type: KeyType
        switch kind {
        case .ed25519: type = .ed25519
        case .p256: type = .ec(.p256)
        case .secp256k1: type = .ec(.secp256k1)
        case .rsa:
            guard (KeyCredentialKind.minimumRSABits...16384).contains(rsaBits) else {
                throw .invalidArgument("RSA size \(rsaBits) is not in \(KeyCredentialKind.minimumRSABits)...16384")
            }
            type = .rsa(bits: rsaBits)
        }
        let key: PrivateKey
        do {
            key = try PrivateKey.generate(type)
        } catch {
            throw .cryptoFailure("key generation failed: \(error.description)")
        }
        return try KeyCredential(privateKey: key)
    }

    // MARK: - Public key and export

    /// The public key.
    public var publicKey: PublicKey { privateKey.publicKey }

    /// The SPKI public key as PEM (`-----BEGIN PUBLIC KEY-----`, 64-character lines, `\n` line
    /// breaks) without a trailing newline, as the TypeScript SDK emits it: the exact string a Key
    /// attestation puts in its fingerprint and in `attestationData.publicKey`.
    public var publicKeyPEM: String {
        var pem = publicKey.pem
        while pem.last == "\n" { pem.removeLast() }
        return pem
    }

    /// The unencrypted PKCS#8 PEM of the private key (`-----BEGIN PRIVATE KEY-----`). The returned
    /// string is the caller's to protect; Swift strings cannot be wiped.
    public func privateKeyPEM() throws(SignerError) -> String {
        do {
            return try privateKey.pkcs8PEM()
        } catch {
            throw .cryptoFailure("private key export failed: \(error.description)")
        }
    }

    /// The unencrypted PKCS#8 DER of the private key, in storage wiped on release.
    public func privateKeyPKCS8DER() throws(SignerError) -> SecretBytes {
        do {
            return try privateKey.pkcs8DER()
        } catch {
            throw .cryptoFailure("private key export failed: \(error.description)")
        }
    }

    /// The credential id the newest Dfns SDK derives for a new key: base64url (no padding) of
    /// SHA-256 of the DER SubjectPublicKeyInfo (§3.6).
    public static func credentialId(for publicKey: PublicKey) -> String {
        Base64URL.encode(SHA256.hash(publicKey.spkiDER))
    }

    // MARK: - Signing

    /// Signs `message` (the exact bytes) as this kind signs: Ed25519 raw 64 bytes, ECDSA SHA-256
    /// DER, RSA PKCS#1 v1.5 SHA-256.
    internal func signature(over message: [UInt8]) throws(SignerError) -> [UInt8] {
        do {
            return try privateKey.sign(message, algorithm: kind.coseAlgorithm)
        } catch {
            throw .cryptoFailure("signing failed: \(error.description)")
        }
    }

    // MARK: - Descriptions

    /// `KeyCredential(<kind>, credId: <id>)`: never key material.
    public var description: String { "KeyCredential(\(kind.rawValue), credId: \(credentialId))" }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// Maps an import failure; DfnsCrypto's messages name the problem, never the key bytes.
    private static func loadError(_ error: CryptoError) -> SignerError {
        switch error {
        case .invalidKey(let message): return .unsupportedKeyType(message)
        case .invalidEncoding(let message): return .invalidKeyEncoding(message)
        default: return .invalidKeyEncoding(error.description)
        }
    }
}

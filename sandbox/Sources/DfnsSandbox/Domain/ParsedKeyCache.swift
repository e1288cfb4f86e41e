import DfnsCrypto
import NIOConcurrencyHelpers

/// Keys the sandbox uses again and again (a credential's public key on every user action, a wallet
/// key on every signature), parsed once: OpenSSL 3 decodes a PEM through its provider decoders,
/// which costs more than the signature it serves. Bounded; on overflow the cache starts over.
enum ParsedKeyCache {
    private static let capacity = 4096
    private static let publicKeys = NIOLockedValueBox<[String: PublicKey]>([:])
    private static let privateKeys = NIOLockedValueBox<[String: PrivateKey]>([:])

    /// The public key of `pem`, parsed once.
    static func publicKey(pem: String) throws -> PublicKey {
        if let key = publicKeys.withLockedValue({ $0[pem] }) { return key }
        let key = try PublicKey(pem: pem)
        publicKeys.withLockedValue { keys in
            if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
            keys[pem] = key
        }
        return key
    }

    /// The private key of `pem` (PKCS#8), parsed once.
    static func privateKey(pem: String) throws -> PrivateKey {
        if let key = privateKeys.withLockedValue({ $0[pem] }) { return key }
        let key = try PrivateKey(pem: pem)
        privateKeys.withLockedValue { keys in
            if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
            keys[pem] = key
        }
        return key
    }
}

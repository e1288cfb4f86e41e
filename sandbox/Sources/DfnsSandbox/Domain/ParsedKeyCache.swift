import DfnsCrypto
import NIOConcurrencyHelpers

/// Keys the sandbox uses again and again (a credential's public key on every user action, a wallet
/// key on every signature), parsed once: OpenSSL 3 decodes a PEM through its provider decoders,
/// which costs more than the signature it serves. Bounded; on overflow a cache starts over.
enum ParsedKeyCache {
    private static let publicKeys = Cache<PublicKey>()
    private static let privateKeys = Cache<PrivateKey>()

    /// The public key of `pem`, parsed once.
    static func publicKey(pem: String) throws -> PublicKey {
        try publicKeys.value(for: pem) { try PublicKey(pem: $0) }
    }

    /// The private key of `pem` (PKCS#8), parsed once.
    static func privateKey(pem: String) throws -> PrivateKey {
        try privateKeys.value(for: pem) { try PrivateKey(pem: $0) }
    }

    /// Parsed values by PEM text, at most `capacity` of them.
    private final class Cache<Value: Sendable>: Sendable {
        private let capacity = 4096
        private let values = NIOLockedValueBox<[String: Value]>([:])

        func value(for pem: String, parse: (String) throws -> Value) throws -> Value {
            if let value = values.withLockedValue({ $0[pem] }) { return value }
            let value = try parse(pem)
            values.withLockedValue { values in
                if values.count >= capacity { values.removeAll(keepingCapacity: true) }
                values[pem] = value
            }
            return value
        }
    }
}

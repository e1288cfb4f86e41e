import DfnsCrypto
import DfnsEncoding

/// The sandbox's key material: real secp256k1 (ECDSA) and Ed25519 (EdDSA) keys, made and used with
/// the library's crypto layer (libsecp256k1 and OpenSSL). Private keys are kept as PKCS#8 PEM in the
/// database, unencrypted: this is a development sandbox, and says so.
public enum KeyVault {
    /// A scheme and curve the sandbox can generate.
    public enum Algorithm: Sendable, Equatable {
        case ecdsaSecp256k1
        case eddsaEd25519

        /// From the Keys API's `scheme` and `curve`; other pairs (Schnorr, stark) are a 400.
        public init(scheme: String, curve: String) throws(SandboxError) {
            switch (scheme, curve) {
            case ("ECDSA", "secp256k1"): self = .ecdsaSecp256k1
            case ("EdDSA", "ed25519"): self = .eddsaEd25519
            default:
                throw .badRequest("scheme \(scheme) with curve \(curve) is not supported by the sandbox (ECDSA/secp256k1 and EdDSA/ed25519 are)")
            }
        }

        public var scheme: String { self == .ecdsaSecp256k1 ? "ECDSA" : "EdDSA" }
        public var curve: String { self == .ecdsaSecp256k1 ? "secp256k1" : "ed25519" }
    }

    /// A new key: its public key (compressed SEC1 for secp256k1, the 32-byte point for Ed25519, hex)
    /// and its PKCS#8 PEM.
    public static func generate(_ algorithm: Algorithm) throws -> (publicKeyHex: String, privateKeyPEM: String) {
        let key = try PrivateKey.generate(algorithm == .ecdsaSecp256k1 ? .ec(.secp256k1) : .ed25519)
        return (try publicKeyHex(key.publicKey), try key.pkcs8PEM())
    }

    static func publicKeyHex(_ key: PublicKey) throws -> String {
        switch key.components {
        case .ec(.secp256k1, let x, let y)?:
            return Hex.encode(try Secp256k1Recovery.compressedPublicKey(sec1: [0x04] + x + y))
        case .okp(.ed25519, let x)?:
            return Hex.encode(x)
        default:
            throw SandboxError.internalError("unexpected key type")
        }
    }

    /// Signs a `Hash` request (secp256k1 ECDSA over the 32-byte digest as given, low S, RFC 6979):
    /// `{r, s, recid, encoded}` with `0x` hex and `encoded` the DER signature.
    public static func signHash(_ digest: [UInt8], privateKeyPEM: String) throws -> JSONValue {
        let key = try ParsedKeyCache.privateKey(pem: privateKeyPEM)
        let (compact, recid) = try key.signRecoverableSecp256k1(digest: digest)
        let der = try ECDSASignatureFormat.der(fromRaw: compact, curve: .secp256k1)
        return .object([
            ("r", .string("0x" + Hex.encode(compact[0..<32]))),
            ("s", .string("0x" + Hex.encode(compact[32..<64]))),
            ("recid", .number(String(recid))),
            ("encoded", .string("0x" + Hex.encode(der))),
        ])
    }

    /// Signs a `Message` request with Ed25519 (pure EdDSA over the message bytes): `{r, s, encoded}`.
    public static func signMessage(_ message: [UInt8], privateKeyPEM: String) throws -> JSONValue {
        let key = try ParsedKeyCache.privateKey(pem: privateKeyPEM)
        let signature = try key.sign(message, algorithm: .edDSA)
        return .object([
            ("r", .string("0x" + Hex.encode(signature[0..<32]))),
            ("s", .string("0x" + Hex.encode(signature[32..<64]))),
            ("encoded", .string("0x" + Hex.encode(signature))),
        ])
    }
}

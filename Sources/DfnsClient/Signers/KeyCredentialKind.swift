import DfnsCrypto

/// The key types a Dfns Key credential may have, and how each signs (reference/dfns-protocol.md
/// §2.3): what is signed is always the clientData (or fingerprint) bytes themselves.
///
/// | kind | hash | signature bytes |
/// |---|---|---|
/// | `ed25519` | none (PureEdDSA) | 64 bytes R ‖ S |
/// | `p256` | SHA-256 | ASN.1 DER `SEQUENCE { r, s }` |
/// | `secp256k1` | SHA-256 | ASN.1 DER `SEQUENCE { r, s }` (low S) |
/// | `rsa` | SHA-256 | PKCS#1 v1.5 (2048 bits or more) |
public enum KeyCredentialKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Ed25519 (RFC 8032).
    case ed25519 = "Ed25519"
    /// ECDSA on NIST P-256 (the key type Dfns recommends).
    case p256 = "P-256"
    /// ECDSA on secp256k1.
    case secp256k1 = "secp256k1"
    /// RSA, 2048 bits or more.
    case rsa = "RSA"

    /// The smallest RSA modulus accepted for a credential, in bits.
    public static let minimumRSABits = 2048

    /// The name: `Ed25519`, `P-256`, `secp256k1` or `RSA`.
    public var description: String { rawValue }

    /// The optional `algorithm` member of a Key assertion for this kind, or nil to omit it.
    ///
    /// The server's vocabulary for this member is UNCONFIRMED (§2.3): SDKs have sent `SHA256`,
    /// `SHA-256`, Node digest names and KMS specs. The key type alone determines the algorithm for
    /// Ed25519, P-256 and secp256k1 (each has one signature scheme with one digest), so the member
    /// is omitted for them, as the reference recommends. For RSA the key type leaves the padding and
    /// digest open, so the member is sent as `RSA-SHA256`: the one RSA value the Dfns documentation
    /// lists (for attestations), and the OpenSSL/Node name of exactly what is produced
    /// (PKCS#1 v1.5 with SHA-256), so a server that passes it to Node's `crypto.verify` verifies
    /// the right scheme.
    public var assertionAlgorithm: String? {
        switch self {
        case .ed25519, .p256, .secp256k1: return nil
        case .rsa: return "RSA-SHA256"
        }
    }

    /// The optional `algorithm` member of a Key attestation's attestationData, or nil to omit it.
    ///
    /// The documentation lists `SHA256`, `SHA512` and `RSA-SHA256` (§3.4) and the
    /// PasswordProtectedKey/RecoveryKey attestation sends `SHA256` for P-256 (§3.6), as the
    /// reference vector does; ECDSA keys therefore send `SHA256`, RSA keys `RSA-SHA256`, and
    /// Ed25519 (which hashes internally) omits it.
    public var attestationAlgorithm: String? {
        switch self {
        case .ed25519: return nil
        case .p256, .secp256k1: return "SHA256"
        case .rsa: return "RSA-SHA256"
        }
    }

    /// The COSE algorithm DfnsCrypto signs and verifies with for this kind.
    public var coseAlgorithm: COSEAlgorithm {
        switch self {
        case .ed25519: return .edDSA
        case .p256: return .es256
        case .secp256k1: return .es256k
        case .rsa: return .rs256
        }
    }

    /// The kind of a DfnsCrypto key type, or a ``SignerError/unsupportedKeyType(_:)`` for P-384,
    /// P-521, Ed448 and RSA below 2048 bits.
    internal init(keyType: KeyType) throws(SignerError) {
        switch keyType {
        case .ed25519: self = .ed25519
        case .ec(.p256): self = .p256
        case .ec(.secp256k1): self = .secp256k1
        case .rsa(let bits):
            guard bits >= KeyCredentialKind.minimumRSABits else {
                throw .unsupportedKeyType("RSA keys must have at least \(KeyCredentialKind.minimumRSABits) bits, this one has \(bits)")
            }
            self = .rsa
        case .ec(let curve):
            throw .unsupportedKeyType("\(curve.name) (a Key credential is Ed25519, P-256, secp256k1 or RSA)")
        case .ed448:
            throw .unsupportedKeyType("Ed448 (a Key credential is Ed25519, P-256, secp256k1 or RSA)")
        }
    }

    /// The kind of a public key, with the same rules as ``init(keyType:)``.
    public init(publicKey: PublicKey) throws(SignerError) {
        switch publicKey.components {
        case .okp(.ed25519, _)?: self = .ed25519
        case .ec(.p256, _, _)?: self = .p256
        case .ec(.secp256k1, _, _)?: self = .secp256k1
        case .rsa?:
            let bits = publicKey.rsaModulusBits ?? 0
            guard bits >= KeyCredentialKind.minimumRSABits else {
                throw .unsupportedKeyType("RSA keys must have at least \(KeyCredentialKind.minimumRSABits) bits, this one has \(bits)")
            }
            self = .rsa
        case .ec(let curve, _, _)?:
            throw .unsupportedKeyType("\(curve.name) (a Key credential is Ed25519, P-256, secp256k1 or RSA)")
        case .okp(let curve, _)?:
            throw .unsupportedKeyType("\(curve.name) (a Key credential is Ed25519, P-256, secp256k1 or RSA)")
        case .mlDSA(let parameterSet, _)?:
            throw .unsupportedKeyType("\(parameterSet.name) (a Key credential is Ed25519, P-256, secp256k1 or RSA)")
        case nil:
            throw .unsupportedKeyType("unknown public key type")
        }
    }

    /// Checks that `signature` has the shape this kind's signatures have (before any verification).
    internal func checkSignatureShape(_ signature: [UInt8]) throws(SignerError) {
        switch self {
        case .ed25519:
            guard signature.count == 64 else {
                throw .externalSignatureMalformed("an Ed25519 signature is 64 bytes, got \(signature.count)")
            }
        case .p256, .secp256k1:
            do {
                _ = try ECDSASignatureFormat.raw(fromDER: signature, curve: self == .p256 ? .p256 : .secp256k1)
            } catch {
                throw .externalSignatureMalformed("an ECDSA signature must be ASN.1 DER: \(error.description)")
            }
        case .rsa:
            guard signature.count * 8 >= KeyCredentialKind.minimumRSABits, signature.count <= 2048 else {
                throw .externalSignatureMalformed("an RSA signature is as long as the modulus, got \(signature.count) bytes")
            }
        }
    }
}

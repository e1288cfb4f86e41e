/// A COSE signature algorithm identifier (IANA "COSE Algorithms" registry) supported for verification.
public enum COSEAlgorithm: Int64, Sendable, CaseIterable {
    /// ECDSA with SHA-256 on P-256.
    case es256 = -7
    /// ECDSA with SHA-256 on P-256, fully specified (RFC 9864).
    case esp256 = -9
    /// ECDSA with SHA-384 on P-384.
    case es384 = -35
    /// ECDSA with SHA-384 on P-384, fully specified (RFC 9864).
    case esp384 = -51
    /// ECDSA with SHA-512 on P-521.
    case es512 = -36
    /// ECDSA with SHA-512 on P-521, fully specified (RFC 9864).
    case esp512 = -52
    /// ECDSA with SHA-256 on secp256k1 (RFC 8812).
    case es256k = -47
    /// EdDSA; in WebAuthn only with Ed25519 keys.
    case edDSA = -8
    /// Ed25519 (RFC 9864).
    case ed25519 = -19
    /// Ed448 (RFC 9864).
    case ed448 = -53
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = -257
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    case rs384 = -258
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    case rs512 = -259
    /// RSASSA-PKCS1-v1_5 with SHA-1 (deprecated; only accepted when explicitly allowed).
    case rs1 = -65535
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt.
    case ps256 = -37
    /// RSASSA-PSS with SHA-384, MGF1-SHA-384, 48-byte salt.
    case ps384 = -38
    /// RSASSA-PSS with SHA-512, MGF1-SHA-512, 64-byte salt.
    case ps512 = -39
    /// ML-DSA-65 (FIPS 204, RFC 9964), pure mode with the empty context; AKP keys. Since 0.4.
    case mlDSA65 = -49
    /// ML-DSA-87 (FIPS 204, RFC 9964), pure mode with the empty context; AKP keys. Since 0.4.
    case mlDSA87 = -50

    /// The registry name, e.g. "ES256".
    public var name: String {
        switch self {
        case .es256: return "ES256"
        case .esp256: return "ESP256"
        case .es384: return "ES384"
        case .esp384: return "ESP384"
        case .es512: return "ES512"
        case .esp512: return "ESP512"
        case .es256k: return "ES256K"
        case .edDSA: return "EdDSA"
        case .ed25519: return "Ed25519"
        case .ed448: return "Ed448"
        case .rs256: return "RS256"
        case .rs384: return "RS384"
        case .rs512: return "RS512"
        case .rs1: return "RS1"
        case .ps256: return "PS256"
        case .ps384: return "PS384"
        case .ps512: return "PS512"
        case .mlDSA65: return "ML-DSA-65"
        case .mlDSA87: return "ML-DSA-87"
        }
    }

    /// The ML-DSA parameter set of an ML-DSA algorithm, nil for the others.
    public var mlDSAParameterSet: MLDSAParameterSet? {
        if case .mlDSA(let parameterSet) = requirement { return parameterSet }
        return nil
    }

    /// The message digest the algorithm uses, or nil for EdDSA and ML-DSA (which hash internally).
    public var digest: DigestAlgorithm? {
        switch self {
        case .es256, .esp256, .es256k, .rs256, .ps256: return .sha256
        case .es384, .esp384, .rs384, .ps384: return .sha384
        case .es512, .esp512, .rs512, .ps512: return .sha512
        case .rs1: return .sha1
        case .edDSA, .ed25519, .ed448, .mlDSA65, .mlDSA87: return nil
        }
    }

    /// The key family and parameters this algorithm requires.
    internal var requirement: Requirement {
        switch self {
        case .es256, .esp256: return .ec(.p256)
        case .es384, .esp384: return .ec(.p384)
        case .es512, .esp512: return .ec(.p521)
        case .es256k: return .ec(.secp256k1)
        case .edDSA, .ed25519: return .okp(.ed25519)
        case .ed448: return .okp(.ed448)
        case .rs256, .rs384, .rs512, .rs1: return .rsaPKCS1
        case .ps256, .ps384, .ps512: return .rsaPSS
        case .mlDSA65: return .mlDSA(.mlDSA65)
        case .mlDSA87: return .mlDSA(.mlDSA87)
        }
    }

    /// What an algorithm needs from a key.
    internal enum Requirement: Equatable {
        case ec(EllipticCurve)
        case okp(EdwardsCurve)
        case rsaPKCS1
        case rsaPSS
        case mlDSA(MLDSAParameterSet)
    }
}

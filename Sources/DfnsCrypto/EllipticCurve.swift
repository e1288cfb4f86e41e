import COpenSSL

/// A short-Weierstrass curve supported for ECDSA.
public enum EllipticCurve: Sendable, Hashable, CaseIterable {
    /// NIST P-256 (secp256r1).
    case p256
    /// NIST P-384 (secp384r1).
    case p384
    /// NIST P-521 (secp521r1).
    case p521
    /// secp256k1 (RFC 8812).
    case secp256k1

    /// The fixed length of one coordinate in bytes (32, 48, 66, 32).
    public var coordinateLength: Int {
        switch self {
        case .p256, .secp256k1: return 32
        case .p384: return 48
        case .p521: return 66
        }
    }

    /// The COSE `crv` value (1, 2, 3, 8).
    public var coseCurve: Int64 {
        switch self {
        case .p256: return 1
        case .p384: return 2
        case .p521: return 3
        case .secp256k1: return 8
        }
    }

    /// The curve for a COSE `crv` value, or nil if it is not an ECDSA curve supported here.
    public init?(coseCurve: Int64) {
        switch coseCurve {
        case 1: self = .p256
        case 2: self = .p384
        case 3: self = .p521
        case 8: self = .secp256k1
        default: return nil
        }
    }

    /// A display name ("P-256", ...).
    public var name: String { groupName }

    /// The OpenSSL group name used with `OSSL_PKEY_PARAM_GROUP_NAME`.
    internal var groupName: String {
        switch self {
        case .p256: return "P-256"
        case .p384: return "P-384"
        case .p521: return "P-521"
        case .secp256k1: return "secp256k1"
        }
    }

    /// The group name as a permanent C string (for `OSSL_PARAM_BLD_push_utf8_string`).
    internal var groupNameCString: UnsafePointer<CChar> {
        switch self {
        case .p256: return ParamKey.p256.pointer
        case .p384: return ParamKey.p384.pointer
        case .p521: return ParamKey.p521.pointer
        case .secp256k1: return ParamKey.secp256k1.pointer
        }
    }

    /// The OpenSSL NID.
    internal var nid: Int32 {
        switch self {
        case .p256: return NID_X9_62_prime256v1
        case .p384: return NID_secp384r1
        case .p521: return NID_secp521r1
        case .secp256k1: return NID_secp256k1
        }
    }

    /// The curve for an OpenSSL NID.
    internal init?(nid: Int32) {
        switch nid {
        case NID_X9_62_prime256v1: self = .p256
        case NID_secp384r1: self = .p384
        case NID_secp521r1: self = .p521
        case NID_secp256k1: self = .secp256k1
        default: return nil
        }
    }
}

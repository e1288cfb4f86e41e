import COpenSSL

/// An Edwards curve supported for EdDSA.
public enum EdwardsCurve: Sendable, Hashable, CaseIterable {
    /// Ed25519 (RFC 8032).
    case ed25519
    /// Ed448 (RFC 8032).
    case ed448

    /// The public key length in bytes (32, 57).
    public var keyLength: Int {
        switch self {
        case .ed25519: return 32
        case .ed448: return 57
        }
    }

    /// The signature length in bytes (64, 114).
    public var signatureLength: Int {
        switch self {
        case .ed25519: return 64
        case .ed448: return 114
        }
    }

    /// The COSE `crv` value (6, 7).
    public var coseCurve: Int64 {
        switch self {
        case .ed25519: return 6
        case .ed448: return 7
        }
    }

    /// The curve for a COSE `crv` value, or nil.
    public init?(coseCurve: Int64) {
        switch coseCurve {
        case 6: self = .ed25519
        case 7: self = .ed448
        default: return nil
        }
    }

    /// A display name ("Ed25519", "Ed448").
    public var name: String {
        switch self {
        case .ed25519: return "Ed25519"
        case .ed448: return "Ed448"
        }
    }

    /// The OpenSSL key type id.
    internal var evpType: Int32 {
        switch self {
        case .ed25519: return EVP_PKEY_ED25519
        case .ed448: return EVP_PKEY_ED448
        }
    }
}

/// An ML-DSA parameter set (FIPS 204) this library verifies with.
///
/// ML-DSA-44 is not listed: the maintained library used for ML-DSA here (swift-crypto) offers only
/// ML-DSA-65 and ML-DSA-87, so COSE algorithm -48 stays an unsupported algorithm.
public enum MLDSAParameterSet: Sendable, Hashable, CaseIterable {
    /// ML-DSA-65 (NIST security category 3).
    case mlDSA65
    /// ML-DSA-87 (NIST security category 5).
    case mlDSA87

    /// The name FIPS 204 and RFC 9964 use ("ML-DSA-65", "ML-DSA-87").
    public var name: String {
        switch self {
        case .mlDSA65: return "ML-DSA-65"
        case .mlDSA87: return "ML-DSA-87"
        }
    }

    /// The encoded public key length in bytes (1952, 2592).
    public var publicKeyLength: Int {
        switch self {
        case .mlDSA65: return 1952
        case .mlDSA87: return 2592
        }
    }

    /// The signature length in bytes (3309, 4627).
    public var signatureLength: Int {
        switch self {
        case .mlDSA65: return 3309
        case .mlDSA87: return 4627
        }
    }

    /// The AlgorithmIdentifier OID of RFC 9881 (id-ml-dsa-65, id-ml-dsa-87), dotted.
    public var oid: String {
        switch self {
        case .mlDSA65: return "2.16.840.1.101.3.4.3.18"
        case .mlDSA87: return "2.16.840.1.101.3.4.3.19"
        }
    }
}

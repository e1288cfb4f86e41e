/// COSE key types (RFC 9052 §7, label 1) that WebAuthn credentials use.
public enum COSEKeyType: Int64, Sendable {
    /// Octet key pair: Ed25519, Ed448.
    case okp = 1
    /// Elliptic curve with x and y coordinates: P-256, P-384, P-521, secp256k1.
    case ec2 = 2
    /// RSA.
    case rsa = 3
    /// Algorithm key pair (RFC 9964): ML-DSA-65 and ML-DSA-87, verified through swift-crypto;
    /// ML-DSA-44 is refused as an unsupported algorithm.
    case akp = 7
}

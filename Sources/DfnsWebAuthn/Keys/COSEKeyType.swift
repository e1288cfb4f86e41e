/// COSE key types (RFC 9052 §7, label 1) that WebAuthn credentials use.
public enum COSEKeyType: Int64, Sendable {
    /// Octet key pair: Ed25519, Ed448.
    case okp = 1
    /// Elliptic curve with x and y coordinates: P-256, P-384, P-521, secp256k1.
    case ec2 = 2
    /// RSA.
    case rsa = 3
    /// Algorithm key pair (ML-DSA); parsed for diagnostics, not verifiable with OpenSSL 3.0.
    case akp = 7
}

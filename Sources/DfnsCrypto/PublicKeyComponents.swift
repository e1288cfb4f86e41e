/// The raw components of a public key.
public enum PublicKeyComponents: Sendable, Equatable {
    /// An EC point with fixed-length big-endian coordinates (leading zeros kept).
    case ec(EllipticCurve, x: [UInt8], y: [UInt8])
    /// An EdDSA public key.
    case okp(EdwardsCurve, x: [UInt8])
    /// An RSA public key: unsigned big-endian integers without leading zeros.
    case rsa(modulus: [UInt8], exponent: [UInt8])
    /// An ML-DSA public key in its FIPS 204 encoding (1952 bytes for ML-DSA-65, 2592 for ML-DSA-87).
    /// Since 0.4.
    case mlDSA(MLDSAParameterSet, publicKey: [UInt8])
}

/// The type of a key pair to generate or of an imported private key.
public enum KeyType: Sendable, Equatable {
    /// An ECDSA key on `curve`.
    case ec(EllipticCurve)
    /// An Ed25519 key.
    case ed25519
    /// An Ed448 key.
    case ed448
    /// An RSA key with a modulus of `bits` bits.
    case rsa(bits: Int)
}

/// Whether a key or certificate given as bytes is DER or PEM text, told apart by its first byte:
/// the DER structures the library reads (SubjectPublicKeyInfo, X.509 certificates, PKCS#8, SEC1 and
/// PKCS#1 keys) are SEQUENCEs and start with 0x30, which PEM text (`-----BEGIN`, or whitespace or
/// explanatory text before it) never does.
public enum EncodedForm: Sendable, Equatable {
    /// ASN.1 DER (also the guess for empty input, which the DER reader then refuses).
    case der
    /// PEM text.
    case pem

    /// The form of `bytes`.
    public init(of bytes: [UInt8]) {
        guard let first = bytes.first else { self = .der; return }
        self = first == 0x30 ? .der : .pem
    }
}

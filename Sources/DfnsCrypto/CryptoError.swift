import DfnsEncoding

/// Errors thrown by DfnsCrypto.
public enum CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key material is invalid (bad point, wrong length, not on the curve, ...).
    case invalidKey(String)
    /// The algorithm is not supported.
    case unsupportedAlgorithm(String)
    /// The algorithm does not fit the key type or curve (e.g. ES384 on a P-256 key).
    case algorithmKeyMismatch(String)
    /// The signature does not verify.
    case signatureInvalid
    /// The signature is not well formed (e.g. not DER for ECDSA, wrong length for EdDSA).
    case malformedSignature(String)
    /// PEM, DER, base64 or hex input could not be decoded.
    case invalidEncoding(String)
    /// A certificate could not be parsed.
    case certificate(String)
    /// Certificate chain validation failed with an `X509_V_ERR_*` code at `depth`.
    case chainValidation(code: Int32, depth: Int32, message: String)
    /// A SHA-1 based algorithm was used without explicit permission.
    case sha1NotAllowed
    /// An unexpected OpenSSL failure, with the library's error string.
    case openSSL(String)

    /// A one-line human-readable description of the error.
    public var description: String {
        switch self {
        case .invalidKey(let m): return "invalid key: \(m)"
        case .unsupportedAlgorithm(let m): return "unsupported algorithm: \(m)"
        case .algorithmKeyMismatch(let m): return "algorithm does not match key: \(m)"
        case .signatureInvalid: return "signature invalid"
        case .malformedSignature(let m): return "malformed signature: \(m)"
        case .invalidEncoding(let m): return "invalid encoding: \(m)"
        case .certificate(let m): return "certificate error: \(m)"
        case .chainValidation(let code, let depth, let message):
            return "certificate chain validation failed (code \(code), depth \(depth)): \(message)"
        case .sha1NotAllowed: return "SHA-1 is not allowed"
        case .openSSL(let m): return "OpenSSL error: \(m)"
        }
    }
}

extension CryptoError {
    /// A hex, base64 or PEM decoding failure, as ``invalidEncoding(_:)``.
    public init(_ error: EncodingError) {
        self = .invalidEncoding(error.message)
    }
}

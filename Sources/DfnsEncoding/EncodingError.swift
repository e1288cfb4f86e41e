/// Why a hex, base64, base64url or PEM text was refused. The message names the problem and, where
/// there is one, the offset; it never repeats the input (which may be secret).
public struct EncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The encoding that was being decoded.
    public enum Encoding: String, Sendable, Equatable {
        case hex, base64, base64url, pem
    }

    /// The encoding that was being decoded.
    public let encoding: Encoding
    /// What was wrong, e.g. `invalid base64url character at offset 7`.
    public let message: String

    public init(_ encoding: Encoding, _ message: String) {
        self.encoding = encoding
        self.message = message
    }

    public var description: String { message }
}

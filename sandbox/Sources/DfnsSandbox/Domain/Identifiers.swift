import DfnsCrypto
import DfnsEncoding

/// Dfns-shaped identifiers (`us-…`, `wa-…`, `key-…`): a prefix and 16 random bytes in a
/// lower-case base32 alphabet, grouped like the ids the Dfns API returns.
public enum Identifiers {
    private static let alphabet = Array("0123456789abcdefghijklmnopqrstuv".utf8)

    /// A new id with `prefix` (e.g. `"us"`).
    public static func make(_ prefix: String) -> String {
        "\(prefix)-\(randomGroup(5))-\(randomGroup(5))-\(randomGroup(16))"
    }

    /// `count` random characters of the alphabet.
    public static func randomGroup(_ count: Int) -> String {
        // SecureRandom fails only when the kernel's CSPRNG does; nothing random may then be issued.
        guard let bytes = try? SecureRandom.bytes(count) else {
            fatalError("dfns-sandbox: the system random number generator failed")
        }
        return String(decoding: bytes.map { alphabet[Int($0 & 31)] }, as: UTF8.self)
    }

    /// A secret of `byteCount` random bytes, base64url (tokens, webhook secrets).
    public static func secret(_ byteCount: Int = 32) -> String {
        guard let bytes = try? SecureRandom.bytes(byteCount) else {
            fatalError("dfns-sandbox: the system random number generator failed")
        }
        return Base64URL.encode(bytes)
    }
}

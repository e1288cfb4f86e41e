import DfnsCrypto
import DfnsEncoding

/// Builds clientDataJSON the way browsers serialise it (WebAuthn §5.8.1.1, `CCDToString`), for the
/// software authenticator and for tests.
public enum ClientDataJSONBuilder {
    /// `{"type":…,"challenge":…,"origin":…,"crossOrigin":…[,"topOrigin":…]}` as UTF-8 bytes.
    public static func build(type: String, challenge: [UInt8], origin: String, crossOrigin: Bool = false, topOrigin: String? = nil) -> [UInt8] {
        var out = "{\"type\":" + quote(type)
        out += ",\"challenge\":" + quote(Base64URL.encode(challenge))
        out += ",\"origin\":" + quote(origin)
        out += ",\"crossOrigin\":" + (crossOrigin ? "true" : "false")
        if let topOrigin { out += ",\"topOrigin\":" + quote(topOrigin) }
        out += "}"
        return Array(out.utf8)
    }

    /// `CCDToString`: quotes `value`, escaping `"` and `\` and every code point outside
    /// U+0020–U+10FFFF printable range as `\uXXXX` (lowercase hex).
    public static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case let s where s.value < 0x20:
                out += "\\u00" + Hex.encode(integer: UInt8(truncatingIfNeeded: s.value))
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

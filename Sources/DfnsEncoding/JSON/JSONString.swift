/// JSON string quoting (RFC 8259) for documents the project writes (reports, tool output).
///
/// Quotes and backslashes are escaped, as are control characters and DEL (`\n`, `\r`, `\t`, or
/// `\u00XX`), so the output is safe to print. clientDataJSON uses WebAuthn's own `CCDToString`
/// instead (`ClientDataJSONBuilder.quote(_:)` in DfnsWebAuthn); documents sent to a
/// server are written by ``JSONWriter``.
public enum JSONString {
    /// `value` as a quoted JSON string.
    public static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20 || s.value == 0x7F:
                out += "\\u00" + Hex.encode(integer: UInt8(truncatingIfNeeded: s.value))
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

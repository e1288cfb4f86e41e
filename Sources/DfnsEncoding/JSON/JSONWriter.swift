/// Writes a ``JSONValue`` as compact JSON text (no whitespace), members in their stored order:
/// the form request bodies and signed payloads take, so that the bytes signed are the bytes sent.
///
/// Strings are escaped as ECMAScript's `JSON.stringify` escapes them (`"`, `\`, `\b \f \n \r \t`,
/// other control characters as `\u00xx`; everything else, non-ASCII included, as raw UTF-8), so a
/// document written here and by `JSON.stringify` from the same members is byte-identical. Numbers
/// are written as the text they hold (``JSONValue/number(_:)`` keeps source text).
public enum JSONWriter {
    /// The compact text of `value`.
    public static func string(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    /// The compact text of `value` as UTF-8 bytes.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        Array(string(value).utf8)
    }

    /// Appends the compact text of `value` to `out`.
    public static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let text): out += text
        case .string(let s): quote(s, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (name, member)) in members.enumerated() {
                if index > 0 { out += "," }
                quote(name, to: &out)
                out += ":"
                write(member, to: &out)
            }
            out += "}"
        }
    }

    /// `value` as a quoted JSON string, escaped as `JSON.stringify` does.
    public static func quote(_ value: String) -> String {
        var out = ""
        quote(value, to: &out)
        return out
    }

    private static func quote(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20:
                out += "\\u00" + Hex.encode(integer: UInt8(truncatingIfNeeded: s.value))
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

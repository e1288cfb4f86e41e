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
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// The compact text of `value` as UTF-8 bytes.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, to: &out)
        return out
    }

    /// Appends the compact UTF-8 text of `value` to `out`. Written on bytes, not `String`, because
    /// this is on the path of every signed request (the user-action body) and appending scalars to a
    /// `String` costs several times more.
    public static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let s): quote(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (name, member)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                quote(name, to: &out)
                out.append(UInt8(ascii: ":"))
                write(member, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `value` as a quoted JSON string, escaped as `JSON.stringify` does.
    public static func quote(_ value: String) -> String {
        var out: [UInt8] = []
        quote(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` quoted to `out`. With `escapingDelete`, DEL (U+007F) is escaped too, so that
    /// the text is safe to print (``JSONString``). Only ASCII bytes ever need escaping, so the UTF-8
    /// is copied byte for byte otherwise.
    static func quote(_ value: String, to out: inout [UInt8], escapingDelete: Bool = false) {
        out.append(UInt8(ascii: "\""))
        var utf8 = value.utf8
        let copied: Void? = utf8.withContiguousStorageIfAvailable { buffer in
            appendEscaped(buffer, to: &out, escapingDelete: escapingDelete)
        }
        if copied == nil {
            var value = value
            value.makeContiguousUTF8()
            utf8 = value.utf8
            utf8.withContiguousStorageIfAvailable { appendEscaped($0, to: &out, escapingDelete: escapingDelete) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Bytes that may need an escape: control characters, `"`, `\\`, and DEL (escaped only for
    /// display). One table lookup per byte keeps the common case, nothing to escape, a straight scan.
    private static let mayNeedEscape: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }

    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], escapingDelete: Bool) {
        mayNeedEscape.withUnsafeBufferPointer { table in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard table[Int(byte)], byte != 0x7F || escapingDelete else {
                    index += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                switch byte {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default: out.append(contentsOf: ("\\u00" + Hex.encode(integer: byte)).utf8)
                }
                index += 1
                runStart = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
    }
}

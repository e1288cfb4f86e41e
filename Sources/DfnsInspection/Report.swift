import DfnsWebAuthn
import DfnsCrypto
import DfnsEncoding

/// A value in an `inspect` report. One report is built per input and rendered either as indented
/// text for a person (``ReportTextRenderer``) or as one JSON document (``ReportJSONRenderer``).
public indirect enum ReportValue: Sendable {
    /// A string.
    case text(String)
    /// A signed integer.
    case integer(Int64)
    /// An unsigned integer.
    case unsigned(UInt64)
    /// A number already written as JSON number text (large CBOR negatives, floats).
    case number(String)
    /// A boolean.
    case bool(Bool)
    /// JSON null; shown as `none` to a person.
    case null
    /// Bytes, written as lower-case hex (text output shortens long values).
    case bytes([UInt8])
    /// Several values in order.
    case list([ReportValue])
    /// Named fields in order.
    case object([ReportField])
}

/// One named value of a report object.
public struct ReportField: Sendable {
    /// Who sees a field: both outputs, only the text output, or only the JSON document.
    public enum Audience: Sendable {
        case both
        case person
        case machine
    }

    /// The JSON member name (camelCase).
    public let key: String
    /// The label shown to a person.
    public let label: String
    /// The value.
    public let value: ReportValue
    /// Which outputs show the field.
    public let audience: Audience

    public init(_ key: String, _ label: String, _ value: ReportValue, audience: Audience = .both) {
        self.key = key
        self.label = label
        self.value = value
        self.audience = audience
    }

    /// A field whose label is its key.
    public init(_ key: String, _ value: ReportValue, audience: Audience = .both) {
        self.init(key, key, value, audience: audience)
    }
}

/// Writes a report as one pretty-printed JSON document.
public enum ReportJSONRenderer {
    public static func render(_ value: ReportValue) -> String {
        var out = ""
        write(value, indent: 0, to: &out)
        return out
    }

    private static func write(_ value: ReportValue, indent: Int, to out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch value {
        case .text(let s): out += JSONString.quote(s)
        case .integer(let i): out += String(i)
        case .unsigned(let u): out += String(u)
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .bytes(let b): out += JSONString.quote(Hex.encode(b))
        case .list(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 1, to: &out)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += closePad + "]"
        case .object(let fields):
            let visible = fields.filter { $0.audience != .person }
            guard !visible.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (i, field) in visible.enumerated() {
                out += pad + JSONString.quote(field.key) + ": "
                write(field.value, indent: indent + 1, to: &out)
                out += i + 1 < visible.count ? ",\n" : "\n"
            }
            out += closePad + "}"
        }
    }
}

/// Writes a report as indented `label: value` lines for a person.
public enum ReportTextRenderer {
    /// Byte strings longer than this are shown as their first bytes and their length.
    public static let maxBytesShown = 72

    public static func render(title: String, _ value: ReportValue) -> String {
        var lines = [title]
        if case .object(let fields) = value {
            writeFields(fields, indent: 1, to: &lines)
        } else {
            lines.append("  " + scalar(value))
        }
        return lines.joined(separator: "\n")
    }

    private static func writeFields(_ fields: [ReportField], indent: Int, to lines: inout [String]) {
        let pad = String(repeating: "  ", count: indent)
        for field in fields where field.audience != .machine {
            write(field.value, prefix: pad + field.label + ":", indent: indent, to: &lines)
        }
    }

    /// Writes `value` after `prefix` (a label or a list bullet) at `indent`.
    private static func write(_ value: ReportValue, prefix: String, indent: Int, to lines: inout [String]) {
        let pad = String(repeating: "  ", count: indent)
        switch value {
        case .object(let fields):
            if fields.allSatisfy({ $0.audience == .machine }) {
                lines.append(prefix + " (empty)")
            } else {
                lines.append(prefix)
                writeFields(fields, indent: indent + 1, to: &lines)
            }
        case .list(let items):
            if items.isEmpty {
                lines.append(prefix + " (none)")
            } else if items.allSatisfy(isScalar), items.count <= 8 {
                lines.append(prefix + " " + items.map(scalar).joined(separator: ", "))
            } else {
                lines.append(prefix)
                for (i, item) in items.enumerated() {
                    write(item, prefix: pad + "  [\(i)]", indent: indent + 1, to: &lines)
                }
            }
        case .text(let s) where s.contains("\n"):
            lines.append(prefix)
            for line in s.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                lines.append(pad + "  " + printable(String(line)))
            }
        default:
            lines.append(prefix + " " + scalar(value))
        }
    }

    /// `s` with control characters (C0, DEL, C1) written as `\u{…}`, so that text taken from the
    /// input cannot move the cursor or recolour the terminal.
    public static func printable(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isScalar(_ value: ReportValue) -> Bool {
        switch value {
        case .list, .object: return false
        case .text(let s): return !s.contains("\n")
        default: return true
        }
    }

    private static func scalar(_ value: ReportValue) -> String {
        switch value {
        case .text(let s): return printable(s)
        case .integer(let i): return String(i)
        case .unsigned(let u): return String(u)
        case .number(let n): return n
        case .bool(let b): return b ? "yes" : "no"
        case .null: return "none"
        case .bytes(let b):
            if b.isEmpty { return "(empty)" }
            if b.count <= maxBytesShown { return Hex.encode(b) }
            return Hex.encode(b.prefix(maxBytesShown)) + "… (\(b.count) bytes)"
        case .list(let items): return "[" + items.map(scalar).joined(separator: ", ") + "]"
        case .object: return "{…}"
        }
    }
}


import DfnsEncoding
/// RFC 8949 §8 diagnostic notation for ``CBORValue``, for logs, errors and tests.
extension CBORValue: CustomStringConvertible {
    /// The value in diagnostic notation, e.g. `{1: 2, 3: -7, -1: h'0102'}`.
    ///
    /// Floats use Swift's shortest round-trip rendering, with `Infinity`, `-Infinity` and `NaN`
    /// spelled as in RFC 8949. Output is unbounded; use it on trusted or small values.
    public var description: String {
        var output = ""
        CBORDiagnostic.write(self, to: &output, budget: Int.max)
        return output
    }

    /// The diagnostic rendering cut to about `limit` characters, ending in `…` when cut.
    /// Used to name a key in ``CBORError/duplicateMapKey(_:)`` without echoing large input.
    func shortDescription(limit: Int = 48) -> String {
        var output = ""
        CBORDiagnostic.write(self, to: &output, budget: limit)
        if output.utf8.count > limit {
            return String(output.prefix(limit)) + "…"
        }
        return output
    }
}

/// Writer for diagnostic notation with an output budget.
enum CBORDiagnostic {
    /// Appends `value` to `output`, stopping early once `output` has more than `budget` UTF-8
    /// bytes (native strings count UTF-8 in O(1), so the checks stay cheap).
    static func write(_ value: CBORValue, to output: inout String, budget: Int) {
        guard output.utf8.count <= budget else { return }
        switch value {
        case .unsigned(let n):
            output += String(n)
        case .negative(let n):
            if n == UInt64.max {
                output += "-18446744073709551616"
            } else {
                output += "-" + String(n + 1)
            }
        case .bytes(let bytes):
            output += "h'"
            for byte in bytes {
                guard output.utf8.count <= budget else { break }
                output += Hex.encode(integer: byte)
            }
            output += "'"
        case .text(let text):
            output += "\""
            for scalar in text.unicodeScalars {
                guard output.utf8.count <= budget else { break }
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case _ where scalar.value < 0x20:
                    output += "\\u00" + Hex.encode(integer: UInt8(truncatingIfNeeded: scalar.value))
                default:
                    output.unicodeScalars.append(scalar)
                }
            }
            output += "\""
        case .array(let elements):
            output += "["
            for (position, element) in elements.enumerated() {
                guard output.utf8.count <= budget else { break }
                if position > 0 { output += ", " }
                write(element, to: &output, budget: budget)
            }
            output += "]"
        case .map(let map):
            output += "{"
            for (position, entry) in map.storedEntries.enumerated() {
                guard output.utf8.count <= budget else { break }
                if position > 0 { output += ", " }
                write(entry.key, to: &output, budget: budget)
                output += ": "
                write(entry.value, to: &output, budget: budget)
            }
            output += "}"
        case .tagged(let tag, let content):
            output += String(tag) + "("
            write(content, to: &output, budget: budget)
            output += ")"
        case .bool(let flag):
            output += flag ? "true" : "false"
        case .null:
            output += "null"
        case .undefined:
            output += "undefined"
        case .float(let number):
            if number.isNaN {
                output += "NaN"
            } else if number.isInfinite {
                output += number < 0 ? "-Infinity" : "Infinity"
            } else {
                output += String(number)
            }
        case .simple(let code):
            output += "simple(" + String(code) + ")"
        }
    }
}

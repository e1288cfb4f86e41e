/// A strict RFC 8259 JSON parser for the documents the library reads: WebAuthn's clientDataJSON and
/// SafetyNet JWS parts, Dfns challenges and payloads that must be compared as JSON values.
///
/// Written by hand rather than taken from Foundation because the library stays Foundation-free
/// (Foundation's JSON support brings ICU into the shared library) and because hardening
/// needs checks general-purpose parsers do not make: duplicate member names are rejected, invalid
/// UTF-8 and unpaired surrogates are rejected, and nesting depth and input size are bounded.
public struct JSONParser {
    /// The largest document accepted, in bytes.
    public var maxLength: Int = 1 << 20
    /// The deepest nesting of arrays and objects accepted.
    public var maxDepth: Int = 32

    /// Creates a parser with the default limits.
    public init() {}

    /// Parses `bytes` as one JSON value with nothing but whitespace after it.
    ///
    /// - Throws: ``JSONParseError`` naming what was expected and where.
    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        guard bytes.count <= maxLength else {
            throw JSONParseError(offset: 0, message: "document is \(bytes.count) bytes, the limit is \(maxLength)")
        }
        var cursor = Cursor(bytes: bytes, maxDepth: maxDepth)
        cursor.skipWhitespace()
        let value = try cursor.parseValue(depth: 0)
        cursor.skipWhitespace()
        guard cursor.index == bytes.count else {
            throw JSONParseError(offset: cursor.index, message: "unexpected data after the JSON value")
        }
        return value
    }

    private struct Cursor {
        let bytes: [UInt8]
        let maxDepth: Int
        var index = 0

        init(bytes: [UInt8], maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        func fail(_ message: String) -> JSONParseError {
            JSONParseError(offset: index, message: message)
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let b = current, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { index += 1 }
        }

        mutating func expect(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - index >= count else { throw fail("truncated literal") }
            var i = 0
            let start = literal.utf8Start
            while i < count {
                if bytes[index + i] != start[i] { throw fail("invalid literal") }
                i += 1
            }
            index += count
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            guard let b = current else { throw fail("expected a value, found the end of the document") }
            switch b {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw fail("expected a value, found byte 0x\(Hex.encode(integer: b))")
            }
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
            index += 1
            var members: [(String, JSONValue)] = []
            // Room for a typical object at once (growing from empty reallocates at 1, 2, 4, 8).
            members.reserveCapacity(8)
            // Small objects (clientDataJSON has about five members) are checked for duplicate
            // names by a linear scan; larger ones switch to a set so the check stays linear.
            var names: Set<String>? = nil
            skipWhitespace()
            if current == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let name = try parseString()
                if members.count == 16 { names = Set(members.map { $0.0 }) }
                let duplicate: Bool
                if names != nil {
                    duplicate = names?.insert(name).inserted == false  // mutates the set in place
                } else {
                    duplicate = members.contains(where: { $0.0 == name })
                }
                if duplicate {
                    throw fail("duplicate member name \"\(name)\"")
                }
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw fail("expected ':' after member name") }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                members.append((name, value))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(members)
                default: throw fail("expected ',' or '}' in object")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
            index += 1
            var elements: [JSONValue] = []
            elements.reserveCapacity(4)
            skipWhitespace()
            if current == UInt8(ascii: "]") { index += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array(elements)
                default: throw fail("expected ',' or ']' in array")
                }
            }
        }

        mutating func parseNumber() throws(JSONParseError) -> JSONValue {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, first >= 0x30, first <= 0x39 else { throw fail("invalid number") }
            if first == 0x30 {
                index += 1
            } else {
                while let d = current, d >= 0x30, d <= 0x39 { index += 1 }
            }
            if current == UInt8(ascii: ".") {
                index += 1
                guard let d = current, d >= 0x30, d <= 0x39 else { throw fail("invalid fraction") }
                while let d = current, d >= 0x30, d <= 0x39 { index += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard let d = current, d >= 0x30, d <= 0x39 else { throw fail("invalid exponent") }
                while let d = current, d >= 0x30, d <= 0x39 { index += 1 }
            }
            return .number(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard bytes.count - index >= 4 else { throw fail("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                default: throw fail("invalid hex digit in \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        /// The bytes `start..<end` as a String; invalid UTF-8 is refused, never repaired.
        ///
        /// `String(validating:as:)` is generic over the code-unit sequence and reaches the standard
        /// library unspecialized (with a metadata lookup per call): it cost more than the rest of
        /// the parse for a Dfns challenge. `String(decoding:as:)` on a buffer takes the fast path;
        /// it repairs invalid input with U+FFFD, so a run that is not all ASCII is compared back
        /// with its bytes (a repair always changes them).
        func string(_ start: Int, _ end: Int, ascii: Bool) throws(JSONParseError) -> String {
            let decoded: String? = bytes.withUnsafeBufferPointer { buffer in
                let run = UnsafeBufferPointer(rebasing: buffer[start..<end])
                let text = String(decoding: run, as: UTF8.self)
                return ascii || text.utf8.elementsEqual(run) ? text : nil
            }
            guard let decoded else { throw JSONParseError(offset: start, message: "invalid UTF-8 in string") }
            return decoded
        }

        mutating func parseString() throws(JSONParseError) -> String {
            index += 1  // opening quote
            var result = ""
            var runStart = index
            var runIsASCII = true
            func flushRun(_ result: inout String, _ start: Int, _ end: Int, ascii: Bool) throws(JSONParseError) {
                guard start < end else { return }
                result.append(try string(start, end, ascii: ascii))
            }
            while true {
                // Skip the run of ordinary bytes in one tight loop (long strings are the bulk of
                // large documents such as webhook events), noting whether it is all ASCII.
                let (end, highBits) = bytes.withUnsafeBufferPointer { buffer -> (Int, UInt8) in
                    var i = index
                    var high: UInt8 = 0
                    while i < buffer.count {
                        let byte = buffer[i]
                        if byte == 0x22 || byte == 0x5C || byte < 0x20 { break }
                        high |= byte
                        i += 1
                    }
                    return (i, high & 0x80)
                }
                index = end
                if highBits != 0 { runIsASCII = false }
                guard let b = current else { throw fail("unterminated string") }
                if b == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    if result.isEmpty {
                        // No escape met: the run is the whole string (the common case), no copy.
                        return try string(runStart, index, ascii: runIsASCII)
                    }
                    try flushRun(&result, runStart, index, ascii: runIsASCII)
                    return result
                }
                if b < 0x20 { throw fail("unescaped control character in string") }
                if b != UInt8(ascii: "\\") { index += 1; continue }
                try flushRun(&result, runStart, index, ascii: runIsASCII)
                runIsASCII = true
                index += 1
                guard let e = current else { throw fail("unterminated escape") }
                index += 1
                switch e {
                case UInt8(ascii: "\""): result.unicodeScalars.append("\"")
                case UInt8(ascii: "\\"): result.unicodeScalars.append("\\")
                case UInt8(ascii: "/"): result.unicodeScalars.append("/")
                case UInt8(ascii: "b"): result.unicodeScalars.append("\u{08}")
                case UInt8(ascii: "f"): result.unicodeScalars.append("\u{0C}")
                case UInt8(ascii: "n"): result.unicodeScalars.append("\n")
                case UInt8(ascii: "r"): result.unicodeScalars.append("\r")
                case UInt8(ascii: "t"): result.unicodeScalars.append("\t")
                case UInt8(ascii: "u"):
                    let unit = try parseHex4()
                    var codePoint = unit
                    if unit >= 0xD800 && unit <= 0xDBFF {
                        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
                              bytes[index + 1] == UInt8(ascii: "u") else { throw fail("unpaired surrogate") }
                        index += 2
                        let low = try parseHex4()
                        guard low >= 0xDC00 && low <= 0xDFFF else { throw fail("unpaired surrogate") }
                        codePoint = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else if unit >= 0xDC00 && unit <= 0xDFFF {
                        throw fail("unpaired surrogate")
                    }
                    guard let scalar = Unicode.Scalar(codePoint) else { throw fail("invalid code point") }
                    result.unicodeScalars.append(scalar)
                default: throw fail("invalid escape character")
                }
                runStart = index
            }
        }
    }
}

/// Why a JSON document was rejected.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset where the problem was found.
    public let offset: Int
    /// What was expected and what was found.
    public let message: String

    /// `"<message> at byte <offset>"`.
    public var description: String { "\(message) at byte \(offset)" }
}

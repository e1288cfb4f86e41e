extension JSONValue {
    /// Whether `self` and `other` denote the same JSON data: object members compared by name
    /// whatever their order, arrays element by element, numbers by their decimal value (`1`, `1.0`
    /// and `1e0` are equivalent), strings by their Unicode scalars.
    ///
    /// This is how a server compares a signed payload with the body it received when the signer
    /// and the HTTP library may have serialised the same data differently (Python's `json.dumps`
    /// escapes non-ASCII text that the request then carries as raw UTF-8, for instance). Both
    /// documents must have been parsed strictly (``JSONParser`` refuses duplicate member names), so
    /// that "by name" is unambiguous.
    public func isEquivalent(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.string(a), .string(b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case let (.number(a), .number(b)):
            guard let x = DecimalNumber(a), let y = DecimalNumber(b) else { return a == b }
            return x == y
        case let (.array(a), .array(b)):
            guard a.count == b.count else { return false }
            return zip(a, b).allSatisfy { $0.isEquivalent(to: $1) }
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            var byName: [String: JSONValue] = [:]
            for (name, value) in b { byName[name] = value }
            guard byName.count == b.count else { return false }
            for (name, value) in a {
                guard let counterpart = byName[name], value.isEquivalent(to: counterpart) else { return false }
            }
            return true
        default: return false
        }
    }
}

/// A JSON number literal in a canonical form (sign, significant digits without leading or trailing
/// zeros, decimal exponent), so that two literals can be compared by value without floating point.
private struct DecimalNumber: Equatable {
    let negative: Bool
    let digits: [UInt8]
    let exponent: Int

    init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var exponent = 0
        var seenPoint = false
        while let c = bytes.first, c != UInt8(ascii: "e"), c != UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if c == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
                continue
            }
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            digits.append(c - UInt8(ascii: "0"))
            if seenPoint { exponent -= 1 }
        }
        guard !digits.isEmpty else { return nil }
        if bytes.first != nil {
            bytes = bytes.dropFirst()   // e or E
            var exponentNegative = false
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                bytes = bytes.dropFirst()
            }
            guard !bytes.isEmpty else { return nil }
            var value = 0
            for c in bytes {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                // Exponents beyond a million are not numbers anyone sends; refuse rather than overflow.
                value = value * 10 + Int(c - UInt8(ascii: "0"))
                guard value <= 1_000_000 else { return nil }
            }
            exponent += exponentNegative ? -value : value
        }
        while let first = digits.first, first == 0 { digits.removeFirst() }
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty {
            // Zero, whatever its sign or exponent.
            self.negative = false
            self.digits = []
            self.exponent = 0
        } else {
            self.negative = negative
            self.digits = digits
            self.exponent = exponent
        }
    }
}

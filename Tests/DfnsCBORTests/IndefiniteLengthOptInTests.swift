import Testing
@testable import DfnsCBOR

/// `CBORDecodingOptions.allowIndefiniteLength`: off by default, never with `requireCanonical`,
/// and when on, only well-formed indefinite items are accepted.
@Suite("Indefinite lengths (opt-in)")
struct IndefiniteLengthOptInTests {
    static let lenient = CBORDecodingOptions(allowIndefiniteLength: true)

    /// RFC 8949 Appendix A indefinite-length examples and their values.
    static let examples: [(String, CBORValue)] = [
        ("5f 42 0102 43 030405 ff", .bytes([1, 2, 3, 4, 5])),
        ("7f 65 7374726561 64 6d696e67 ff", .text("streaming")),
        ("5f ff", .bytes([])),
        ("9f ff", .array([])),
        ("9f 01 82 02 03 9f 04 05 ff ff", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("9f 01 82 02 03 82 04 05 ff", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("83 01 9f 02 03 ff 82 04 05", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("bf 61 61 01 61 62 9f 02 03 ff ff", .map(CBORMap([(.text("a"), .unsigned(1)), (.text("b"), .array([.unsigned(2), .unsigned(3)]))]))),
        ("82 61 61 bf 61 62 61 63 ff", .array([.text("a"), .map(CBORMap([(.text("b"), .text("c"))]))])),
        ("bf 63 46756e f5 63 416d74 21 ff", .map(CBORMap([(.text("Fun"), .bool(true)), (.text("Amt"), CBORValue(-2))]))),
    ]

    @Test("RFC 8949 indefinite examples decode when allowed, and only then", arguments: examples)
    func decodesWhenAllowed(_ encoded: String, _ expected: CBORValue) throws {
        #expect(try CBORDecoder.decode(hex(encoded), options: Self.lenient) == expected)
        #expect(decodeError(hex(encoded)) == .indefiniteLength)
        var strictLenient = Self.lenient
        strictLenient.requireCanonical = true
        #expect(decodeError(hex(encoded), options: strictLenient) == .indefiniteLength)
        // The encoder always writes definite lengths.
        #expect(try CBORDecoder.decode(CBOREncoder.encode(expected, sortKeys: true), options: .strict) == expected)
    }

    @Test("ill-formed indefinite items are rejected even when allowed", arguments: [
        "bf 01 ff",            // map closed after a key
        "5f 01 ff",            // integer chunk in a byte string
        "5f 61 61 ff",         // text chunk in a byte string
        "7f 41 61 ff",         // byte chunk in a text string
        "5f 5f ff ff",         // nested indefinite string
        "7f 61 ff ff",         // chunk that is not valid UTF-8 (0xff)
        "ff",                  // stray break
        "82 9f ff ff",         // extra break where an item is expected
        "81 ff",               // break inside a definite array
    ])
    func illFormed(_ encoded: String) {
        guard case .malformed = decodeError(hex(encoded), options: Self.lenient) else {
            Issue.record("expected .malformed for \(encoded), got \(String(describing: decodeError(hex(encoded), options: Self.lenient)))")
            return
        }
    }

    @Test("unterminated indefinite items are truncated; duplicates and depth still apply")
    func limits() {
        #expect(decodeError(hex("9f 01 02"), options: Self.lenient) == .truncated)
        #expect(decodeError(hex("5f 41 01"), options: Self.lenient) == .truncated)
        #expect(decodeError(hex("bf 01 02 01 03 ff"), options: Self.lenient) == .duplicateMapKey("1"))
        var shallow = Self.lenient
        shallow.maxDepth = 2
        #expect(decodeError(hex("9f 9f 9f ff ff ff"), options: shallow) == .tooDeep(limit: 2))
        #expect(decodeError(hex("9f 9f ff ff 00"), options: Self.lenient) == .trailingBytes(count: 1))
        #expect(decodeError(hex("9f 9a10000000 ff"), options: Self.lenient) == .declaredLengthExceedsInput)
    }

    @Test("3000 mutations of indefinite items decode or throw")
    func mutations() {
        var random = TestRandom(seed: 0x1DEF)
        let seeds = Self.examples.map { hex($0.0) }
        var accepted = 0
        for _ in 0..<3000 {
            var bytes = seeds[random.below(seeds.count)]
            for _ in 0..<(1 + random.below(3)) where !bytes.isEmpty {
                let position = random.below(bytes.count)
                switch random.below(4) {
                case 0: bytes[position] = random.byte()
                case 1: bytes.remove(at: position)
                case 2: bytes.insert([0xff, 0x9f, 0x5f, 0xbf, 0x7f][random.below(5)], at: position)
                default: bytes = Array(bytes.prefix(position))
                }
            }
            if let value = try? CBORDecoder.decode(bytes, options: Self.lenient) {
                accepted += 1
                if value == value {
                    #expect((try? CBORDecoder.decode(CBOREncoder.encode(value, sortKeys: true), options: .strict)) == value,
                            "\(hexString(bytes))")
                }
            }
            _ = try? CBORDecoder.decodePrefix(bytes, options: Self.lenient)
        }
        #expect(accepted > 30, "accepted \(accepted)")
    }
}

import Testing
@testable import DfnsCBOR

@Suite("Canonical form (requireCanonical)")
struct CanonicalFormTests {
    /// Non-canonical encodings that the default options accept and .strict rejects.
    static let nonCanonical: [(String, CBORValue)] = [
        ("18 05", .unsigned(5)),
        ("19 0005", .unsigned(5)),
        ("19 00ff", .unsigned(255)),
        ("1a 0000ffff", .unsigned(65535)),
        ("1b 00000000ffffffff", .unsigned(0xffff_ffff)),
        ("38 00", CBORValue(-1)),
        ("39 0063", CBORValue(-100)),
        ("58 01 aa", .bytes([0xaa])),
        ("79 0001 61", .text("a")),
        ("98 01 00", .array([.unsigned(0)])),
        ("b8 01 00 00", .map(CBORMap([(.unsigned(0), .unsigned(0))]))),
        ("d8 01 00", .tagged(1, .unsigned(0))),
        ("82 00 18 17", .array([.unsigned(0), .unsigned(23)])),
        ("a2 03 04 01 02", .map(CBORMap([(.unsigned(3), .unsigned(4)), (.unsigned(1), .unsigned(2))]))),
        ("a2 20 01 01 02", .map(CBORMap([(CBORValue(-1), .unsigned(1)), (.unsigned(1), .unsigned(2))]))),
        ("a2 62 6161 00 61 62 00", .map(CBORMap([(.text("aa"), .unsigned(0)), (.text("b"), .unsigned(0))]))),
        ("a2 61 62 00 61 61 00", .map(CBORMap([(.text("b"), .unsigned(0)), (.text("a"), .unsigned(0))]))),
        ("a2 61 61 00 01 00", .map(CBORMap([(.text("a"), .unsigned(0)), (.unsigned(1), .unsigned(0))]))),
        ("81 a2 02 00 01 00", .array([.map(CBORMap([(.unsigned(2), .unsigned(0)), (.unsigned(1), .unsigned(0))]))])),
        ("a1 00 a2 02 00 01 00", .map(CBORMap([(.unsigned(0), .map(CBORMap([(.unsigned(2), .unsigned(0)), (.unsigned(1), .unsigned(0))])))]))),
    ]

    @Test("accepted by default, rejected with .strict", arguments: nonCanonical)
    func defaultVersusStrict(_ encoded: String, _ expected: CBORValue) throws {
        #expect(try CBORDecoder.decode(hex(encoded)) == expected)
        guard case .nonCanonical(let detail) = decodeError(hex(encoded), options: .strict) else {
            Issue.record("expected .nonCanonical for \(encoded), got \(String(describing: decodeError(hex(encoded), options: .strict)))")
            return
        }
        #expect(detail.contains("offset"))
    }

    @Test("the encoder writes the canonical form of each non-canonical input", arguments: nonCanonical)
    func encoderCanonicalises(_ encoded: String, _ expected: CBORValue) throws {
        let canonical = CBOREncoder.encode(expected, sortKeys: true)
        #expect(try CBORDecoder.decode(canonical, options: .strict) == expected)
        #expect(canonical != hex(encoded))
    }

    @Test("canonical inputs pass .strict", arguments: [
        "17", "18 18", "19 0100", "1a 00010000", "1b 0000000100000000", "37", "38 18",
        "57 0000000000000000000000000000000000000000000000", "58 18 000000000000000000000000000000000000000000000000",
        "a2 01 00 20 00",                 // 1 before -1 (major type 0 before 1)
        "a2 18 18 00 20 00",              // CTAP2: 24 (major 0, 2 bytes) before -1 (major 1, 1 byte)
        "a3 61 62 00 61 63 00 62 6161 00", // same major type: shorter first, then bytewise
        "a2 00 00 40 00",                 // integer before byte string
    ])
    func canonicalAccepted(_ encoded: String) throws {
        _ = try CBORDecoder.decode(hex(encoded), options: .strict)
    }

    @Test("CTAP2 orders by major type before length")
    func majorTypeFirst() {
        #expect(decodeError(hex("a2 20 00 18 18 00"), options: .strict) != nil)
        #expect(decodeError(hex("a2 20 00 18 18 00")) == nil)
    }

    @Test("floats are not width-checked in strict mode (CTAP2 leaves them unchanged)")
    func floatsUnchanged() throws {
        #expect(try CBORDecoder.decode(hex("fb 3ff0000000000000"), options: .strict) == .float(1.0))
        #expect(try CBORDecoder.decode(hex("fa 3f800000"), options: .strict) == .float(1.0))
    }

    @Test("the canonical COSE key and attestation-like map pass .strict")
    func realWorld() throws {
        _ = try CBORDecoder.decode(coseKeyES256, options: .strict)
        let attestation = try CBORDecoder.decode(attestationLike, options: .strict)
        #expect(attestation.mapValue?.keys == [.text("fmt"), .text("attStmt"), .text("authData")])
    }

    @Test("equal keys in strict mode are reported as duplicates")
    func strictDuplicates() {
        #expect(decodeError(hex("a2 01 02 01 03"), options: .strict) == .duplicateMapKey("1"))
    }

    @Test("sortKeys orders keys canonically at every level")
    func sortKeys() throws {
        let inner = CBORValue.map(CBORMap([(.text("bb"), .null), (.text("a"), .null)]))
        let value = CBORValue.map(CBORMap([
            (.text("z"), .null), (CBORValue(-1), .null), (.unsigned(24), inner), (.unsigned(1), .null),
        ]))
        let sorted = CBOREncoder.encode(value, sortKeys: true)
        #expect(hexString(sorted) == "a401f61818a26161f6626262f620f6617af6")
        #expect(try CBORDecoder.decode(sorted, options: .strict) == value)
        let unsorted = CBOREncoder.encode(value)
        #expect(hexString(unsorted) == "a4617af620f61818a2626262f66161f601f6")
        #expect(decodeError(unsorted, options: .strict) != nil)
    }
}

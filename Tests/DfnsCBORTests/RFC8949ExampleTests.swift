import Testing
@testable import DfnsCBOR

/// RFC 8949 Appendix A examples (preferred serializations), decoded and re-encoded.
@Suite("RFC 8949 Appendix A")
struct RFC8949ExampleTests {
    static let examples: [(String, CBORValue)] = [
        ("00", .unsigned(0)),
        ("01", .unsigned(1)),
        ("0a", .unsigned(10)),
        ("17", .unsigned(23)),
        ("1818", .unsigned(24)),
        ("1819", .unsigned(25)),
        ("1864", .unsigned(100)),
        ("1903e8", .unsigned(1000)),
        ("1a000f4240", .unsigned(1_000_000)),
        ("1b000000e8d4a51000", .unsigned(1_000_000_000_000)),
        ("1bffffffffffffffff", .unsigned(UInt64.max)),
        ("c249010000000000000000", .tagged(2, .bytes(hex("010000000000000000")))),
        ("3bffffffffffffffff", .negative(UInt64.max)),
        ("c349010000000000000000", .tagged(3, .bytes(hex("010000000000000000")))),
        ("20", CBORValue(-1)),
        ("29", CBORValue(-10)),
        ("3863", CBORValue(-100)),
        ("3903e7", CBORValue(-1000)),
        ("f90000", .float(0.0)),
        ("f93c00", .float(1.0)),
        ("fb3ff199999999999a", .float(1.1)),
        ("f93e00", .float(1.5)),
        ("f97bff", .float(65504.0)),
        ("fa47c35000", .float(100000.0)),
        ("fa7f7fffff", .float(3.4028234663852886e+38)),
        ("fb7e37e43c8800759c", .float(1.0e+300)),
        ("f90001", .float(5.960464477539063e-8)),
        ("f90400", .float(0.00006103515625)),
        ("f9c400", .float(-4.0)),
        ("fbc010666666666666", .float(-4.1)),
        ("f97c00", .float(.infinity)),
        ("f9fc00", .float(-.infinity)),
        ("f4", .bool(false)),
        ("f5", .bool(true)),
        ("f6", .null),
        ("f7", .undefined),
        ("c074323031332d30332d32315432303a30343a30305a", .tagged(0, .text("2013-03-21T20:04:00Z"))),
        ("c11a514b67b0", .tagged(1, .unsigned(1_363_896_240))),
        ("c1fb41d452d9ec200000", .tagged(1, .float(1_363_896_240.5))),
        ("d74401020304", .tagged(23, .bytes([1, 2, 3, 4]))),
        ("d818456449455446", .tagged(24, .bytes(hex("6449455446")))),
        ("d82076687474703a2f2f7777772e6578616d706c652e636f6d", .tagged(32, .text("http://www.example.com"))),
        ("40", .bytes([])),
        ("4401020304", .bytes([1, 2, 3, 4])),
        ("60", .text("")),
        ("6161", .text("a")),
        ("6449455446", .text("IETF")),
        ("62225c", .text("\"\\")),
        ("62c3bc", .text("\u{00fc}")),
        ("63e6b0b4", .text("\u{6c34}")),
        ("64f0908591", .text("\u{10151}")),
        ("80", .array([])),
        ("83010203", .array([.unsigned(1), .unsigned(2), .unsigned(3)])),
        ("8301820203820405", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
        ("98190102030405060708090a0b0c0d0e0f101112131415161718181819", .array((1...25).map { .unsigned(UInt64($0)) })),
        ("a0", .map(CBORMap())),
        ("a201020304", .map(CBORMap([(.unsigned(1), .unsigned(2)), (.unsigned(3), .unsigned(4))]))),
        ("a26161016162820203", .map(CBORMap([(.text("a"), .unsigned(1)), (.text("b"), .array([.unsigned(2), .unsigned(3)]))]))),
        ("826161a161626163", .array([.text("a"), .map(CBORMap([(.text("b"), .text("c"))]))])),
        ("a56161614161626142616361436164614461656145", .map(CBORMap([
            (.text("a"), .text("A")), (.text("b"), .text("B")), (.text("c"), .text("C")),
            (.text("d"), .text("D")), (.text("e"), .text("E")),
        ]))),
    ]

    @Test("decodes to the expected value", arguments: examples)
    func decodes(_ encoded: String, _ expected: CBORValue) throws {
        let value = try CBORDecoder.decode(hex(encoded))
        #expect(value == expected)
        // Appendix A uses shortest forms and sorted keys, so strict mode accepts all of them.
        #expect(try CBORDecoder.decode(hex(encoded), options: .strict) == expected)
    }

    @Test("encodes to the preferred serialization", arguments: examples)
    func encodes(_ encoded: String, _ value: CBORValue) {
        #expect(hexString(CBOREncoder.encode(value)) == encoded)
        #expect(hexString(CBOREncoder.encode(value, sortKeys: true)) == encoded)
    }

    @Test("-0.0 keeps its sign through decode and encode")
    func negativeZero() throws {
        let value = try CBORDecoder.decode(hex("f98000"))
        guard case .float(let number) = value else {
            Issue.record("expected a float, got \(value)")
            return
        }
        #expect(number == 0 && number.sign == .minus)
        #expect(CBOREncoder.encode(.float(-0.0)) == hex("f98000"))
    }

    @Test("NaN decodes from every width and encodes as f97e00", arguments: ["f97e00", "fa7fc00000", "fb7ff8000000000000"])
    func notANumber(_ encoded: String) throws {
        let value = try CBORDecoder.decode(hex(encoded))
        #expect(value.doubleValue?.isNaN == true)
        #expect(CBOREncoder.encode(.float(.nan)) == hex("f97e00"))
    }

    @Test("wider encodings of infinity decode", arguments: ["fa7f800000", "fb7ff0000000000000"])
    func widerInfinity(_ encoded: String) throws {
        #expect(try CBORDecoder.decode(hex(encoded)) == .float(.infinity))
    }

    @Test("unassigned simple values are reported as unsupported", arguments: ["f0", "f8ff", "e0", "f3"])
    func simpleValues(_ encoded: String) {
        guard case .unsupported = decodeError(hex(encoded)) else {
            Issue.record("expected .unsupported for \(encoded), got \(String(describing: decodeError(hex(encoded))))")
            return
        }
    }

    @Test("simple values still encode as RFC 8949 writes them")
    func simpleValuesEncode() {
        #expect(CBOREncoder.encode(.simple(16)) == hex("f0"))
        #expect(CBOREncoder.encode(.simple(255)) == hex("f8ff"))
    }
}

import Testing
@testable import DfnsCBOR

@Suite("Encoder and round trips")
struct RoundTripTests {
    static let values: [CBORValue] = [
        .unsigned(0), .unsigned(23), .unsigned(24), .unsigned(255), .unsigned(256), .unsigned(65535),
        .unsigned(65536), .unsigned(0xffff_ffff), .unsigned(0x1_0000_0000), .unsigned(.max),
        .negative(0), .negative(23), .negative(24), .negative(.max), CBORValue(.min), CBORValue(.max),
        .bytes([]), .bytes([UInt8](repeating: 7, count: 23)), .bytes([UInt8](repeating: 7, count: 24)),
        .bytes([UInt8](repeating: 9, count: 300)), .bytes([UInt8](repeating: 1, count: 70_000)),
        .text(""), .text("fmt"), .text(String(repeating: "é", count: 200)), .text("🔑 key"),
        .array([]), .array([.null, .undefined, .bool(true), .bool(false)]),
        .array((0..<300).map { .unsigned(UInt64($0)) }),
        .tagged(0, .text("2013-03-21T20:04:00Z")), .tagged(.max, .tagged(24, .bytes([0xa0]))),
        .float(0.5), .float(-2.75), .float(65504), .float(65505), .float(1.0e-7), .float(Double(Float.leastNonzeroMagnitude)),
        .float(.leastNonzeroMagnitude), .float(.greatestFiniteMagnitude), .float(5.960464477539063e-8),
        .float(6.097555160522461e-5), .float(1.0 / 3.0), .float(-.infinity),
        .map(CBORMap()),
        .map(CBORMap([(.unsigned(1), .unsigned(2)), (.unsigned(3), CBORValue(-7)), (CBORValue(-1), .unsigned(1))])),
        .map(CBORMap([(.text("b"), .array([])), (.text("a"), .map(CBORMap([(.bytes([1]), .null)])))])),
        .map(CBORMap([(.array([.unsigned(1)]), .unsigned(0)), (.map(CBORMap([(.null, .null)])), .unsigned(1))])),
        .map(CBORMap((0..<40).map { (CBORValue(Int64($0) - 20), CBORValue.text("v\($0)")) })),
    ]

    @Test("encode then decode returns the same value (stored and sorted key order)", arguments: values)
    func roundTrip(_ value: CBORValue) throws {
        let encoded = CBOREncoder.encode(value)
        let decoded = try CBORDecoder.decode(encoded)
        #expect(decoded == value)
        // Entry order survives, not only order-insensitive equality.
        if let map = value.mapValue {
            #expect(decoded.mapValue?.keys == map.keys)
        }
        let sorted = CBOREncoder.encode(value, sortKeys: true)
        #expect(try CBORDecoder.decode(sorted, options: .strict) == value)
        // Re-encoding canonical bytes reproduces them exactly.
        #expect(CBOREncoder.encode(try CBORDecoder.decode(sorted), sortKeys: false) == sorted)
    }

    @Test("integers use the shortest argument at each boundary")
    func integerBoundaries() {
        let cases: [(CBORValue, String)] = [
            (.unsigned(23), "17"), (.unsigned(24), "1818"), (.unsigned(255), "18ff"), (.unsigned(256), "190100"),
            (.unsigned(65535), "19ffff"), (.unsigned(65536), "1a00010000"), (.unsigned(0xffff_ffff), "1affffffff"),
            (.unsigned(0x1_0000_0000), "1b0000000100000000"), (CBORValue(-24), "37"), (CBORValue(-25), "3818"),
            (CBORValue(.min), "3b7fffffffffffffff"), (.bytes([UInt8](repeating: 0, count: 24)), "5818" + String(repeating: "00", count: 24)),
        ]
        for (value, expected) in cases {
            #expect(hexString(CBOREncoder.encode(value)) == expected, "\(value)")
        }
    }

    @Test("floats use the shortest exact width")
    func floatWidths() {
        #expect(CBOREncoder.encode(.float(65504)).first == 0xf9)
        #expect(CBOREncoder.encode(.float(65505)).first == 0xfa)       // not a binary16 value
        #expect(CBOREncoder.encode(.float(1.0 / 3.0)).first == 0xfb)
        #expect(CBOREncoder.encode(.float(Double(Float(0.1)))).first == 0xfa)
        #expect(CBOREncoder.encode(.float(0.1)).first == 0xfb)
        #expect(hexString(CBOREncoder.encode(.float(6.103515625e-05))) == "f90400")   // smallest normal half
        #expect(hexString(CBOREncoder.encode(.float(6.097555160522461e-05))) == "f903ff") // largest subnormal half
        #expect(hexString(CBOREncoder.encode(.float(2.9802322387695312e-08))) == "fa33000000") // half of the smallest subnormal
        #expect(hexString(CBOREncoder.encode(.float(.leastNonzeroMagnitude))) == "fb0000000000000001")
    }

    @Test("canonical real-world payloads re-encode byte for byte")
    func realWorld() throws {
        for bytes in [coseKeyES256, attestationLike] {
            let value = try CBORDecoder.decode(bytes, options: .strict)
            #expect(CBOREncoder.encode(value) == bytes)
            #expect(CBOREncoder.encode(value, sortKeys: true) == bytes)
        }
    }
}

@Suite("CBORValue and CBORMap")
struct ValueAndMapTests {
    @Test("Int64 conversions cover the full range")
    func int64() {
        #expect(CBORValue(0) == .unsigned(0))
        #expect(CBORValue(-1) == .negative(0))
        #expect(CBORValue(.min) == .negative(UInt64(Int64.max)))
        #expect(CBORValue(.max) == .unsigned(UInt64(Int64.max)))
        #expect(CBORValue.negative(UInt64(Int64.max)).int64Value == .min)
        #expect(CBORValue.negative(UInt64(Int64.max) + 1).int64Value == nil)
        #expect(CBORValue.unsigned(UInt64(Int64.max) + 1).int64Value == nil)
        #expect(CBORValue.unsigned(.max).uint64Value == .max)
        #expect(CBORValue.negative(5).uint64Value == nil)
        #expect(CBORValue.text("7").int64Value == nil)
        for sample: Int64 in [0, 1, -1, 23, -24, -25, 1000, -1000, .min, .max, .min + 1] {
            #expect(CBORValue(sample).int64Value == sample)
        }
    }

    @Test("typed accessors return nil for other cases")
    func accessors() {
        #expect(CBORValue.bytes([1]).bytesValue == [1])
        #expect(CBORValue.bytes([1]).textValue == nil)
        #expect(CBORValue.text("a").textValue == "a")
        #expect(CBORValue.bool(true).boolValue == true)
        #expect(CBORValue.null.boolValue == nil)
        #expect(CBORValue.array([.null]).arrayValue == [.null])
        #expect(CBORValue.map(CBORMap()).mapValue == CBORMap())
        #expect(CBORValue.unsigned(1).mapValue == nil)
        #expect(CBORValue.float(1.5).doubleValue == 1.5)
        #expect(CBORValue.tagged(2, .null).taggedValue?.tag == 2)
    }

    @Test("map lookups by value, integer label and text")
    func lookups() {
        var map = CBORMap([(.unsigned(1), .unsigned(2)), (CBORValue(-1), .unsigned(1)), (.text("fmt"), .text("none"))])
        #expect(map[int: 1] == .unsigned(2))
        #expect(map[int: -1] == .unsigned(1))
        #expect(map[int: 2] == nil)
        #expect(map[text: "fmt"] == .text("none"))
        #expect(map[text: "FMT"] == nil)
        #expect(map[.unsigned(1)] == .unsigned(2))
        #expect(map.count == 3)
        map[.text("fmt")] = .text("packed")
        map[.unsigned(9)] = .null
        map[CBORValue(-1)] = nil
        #expect(map.keys == [.unsigned(1), .text("fmt"), .unsigned(9)])
        #expect(map[text: "fmt"] == .text("packed"))
        #expect(map.contains(key: .unsigned(9)))
        #expect(Array(map).map(\.key) == map.keys)
        let rebuilt = CBORMap(map.entries)
        #expect(rebuilt.keys == map.keys && rebuilt == map)
    }

    @Test("initializer keeps first position and last value for repeated keys", arguments: [3, 40])
    func initDuplicates(_ extra: Int) {
        var pairs: [(CBORValue, CBORValue)] = [(.unsigned(1), .text("first")), (.unsigned(2), .null)]
        pairs += (0..<extra).map { (CBORValue.unsigned(UInt64(100 + $0)), CBORValue.null) }
        pairs.append((.unsigned(1), .text("last")))
        let map = CBORMap(pairs)
        #expect(map.count == 2 + extra)
        #expect(map.keys.first == .unsigned(1))
        #expect(map[int: 1] == .text("last"))
    }

    @Test("map equality and hashing ignore entry order")
    func equality() {
        let a = CBORMap([(.unsigned(1), .null), (.unsigned(2), .bool(true))])
        let b = CBORMap([(.unsigned(2), .bool(true)), (.unsigned(1), .null)])
        let c = CBORMap([(.unsigned(2), .bool(false)), (.unsigned(1), .null)])
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != c)
        #expect(a != CBORMap([(.unsigned(1), .null)]))
        #expect(Set([CBORValue.map(a), .map(b), .map(c)]).count == 2)
    }

    @Test("diagnostic notation")
    func diagnostic() {
        let value = CBORValue.map(CBORMap([
            (.unsigned(1), .bytes([0x01, 0xab])), (CBORValue(-7), .text("a\"b")),
            (.text("x"), .array([.bool(true), .null, .undefined, .float(1.5), .tagged(1, .unsigned(2))])),
        ]))
        #expect(value.description == "{1: h'01ab', -7: \"a\\\"b\", \"x\": [true, null, undefined, 1.5, 1(2)]}")
        #expect(CBORValue.negative(.max).description == "-18446744073709551616")
        #expect(CBORValue.float(.nan).description == "NaN")
        #expect(CBORValue.bytes([UInt8](repeating: 0, count: 1000)).shortDescription().count <= 49)
    }
}

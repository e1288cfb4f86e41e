import Testing
@testable import DfnsCBOR

@Suite("Decoder rejections")
struct DecoderErrorTests {
    @Test("empty input")
    func empty() {
        #expect(decodeError([]) == .empty)
        #expect(throws: CBORError.empty) { try CBORDecoder.decodePrefix(ArraySlice<UInt8>()) }
    }

    @Test("trailing bytes are counted", arguments: [(String, Int)]([("0100", 1), ("a0 a0 a0", 2), ("4101 02 03 04", 3)]))
    func trailing(_ encoded: String, _ count: Int) {
        #expect(decodeError(hex(encoded)) == .trailingBytes(count: count))
    }

    @Test("a COSE key with an extension map after it is one item plus trailing bytes")
    func coseKeyTrailing() throws {
        let extensions = hex("a1 6b 6372656450726f74656374 02")
        #expect(decodeError(coseKeyES256 + extensions) == .trailingBytes(count: extensions.count))
        let key = try CBORDecoder.decode(coseKeyES256)
        #expect(key.mapValue?[int: 3] == CBORValue(-7))
    }

    @Test("every proper prefix of a valid COSE key is rejected as cut off")
    func truncatedCOSEKey() {
        for length in 1..<coseKeyES256.count {
            let error = decodeError(Array(coseKeyES256.prefix(length)))
            let acceptable: [CBORError] = [.truncated, .declaredLengthExceedsInput]
            #expect(error.map(acceptable.contains) == true, "prefix length \(length): \(String(describing: error))")
        }
        #expect(decodeError(Array(coseKeyES256.prefix(1))) == .declaredLengthExceedsInput) // a5 declares 10 slots
        #expect(decodeError(hex("82 01")) == .truncated)
        #expect(decodeError(hex("19 01")) == .truncated)
        #expect(decodeError(hex("58")) == .truncated)
        #expect(decodeError(hex("58 20 0102")) == .declaredLengthExceedsInput)
    }

    @Test("duplicate map keys are rejected at every level", arguments: [
        "a2 01 02 01 03",
        "a2 6161 01 6161 02",
        "81 a2 01 02 01 03",
        "a1 01 a2 20 00 20 01",
        "a2 a1 01 02 00 a1 01 02 00",
        "a2 01 02 18 01 03",                    // 1 and a non-shortest 1 are the same key
        "a2 a2 01 02 03 04 00 a2 03 04 01 02 00", // maps as keys compare without order
    ])
    func duplicates(_ encoded: String) {
        guard case .duplicateMapKey = decodeError(hex(encoded)) else {
            Issue.record("expected duplicateMapKey for \(encoded), got \(String(describing: decodeError(hex(encoded))))")
            return
        }
    }

    @Test("the duplicate key is named")
    func duplicateNamed() {
        #expect(decodeError(hex("a2 01 02 01 03")) == .duplicateMapKey("1"))
        #expect(decodeError(hex("a2 63 666d74 01 63 666d74 02")) == .duplicateMapKey("\"fmt\""))
    }

    @Test("a large map with a duplicate at the end is rejected (set-based check)")
    func largeMapDuplicate() {
        var bytes = hex("b8 28")          // 40 pairs
        for key in 0..<39 { bytes += CBOREncoder.encode(.unsigned(UInt64(key))) + [0xf6] }
        bytes += hex("18 20 f6")          // key 32 again
        #expect(decodeError(bytes) == .duplicateMapKey("32"))
        #expect(decodeError(Array(bytes.dropLast(3)) + hex("18 27 f6")) == nil)
    }

    @Test("indefinite lengths are rejected", arguments: [
        "5f 42 0102 43 030405 ff",
        "7f 65 7374726561 64 6d696e67 ff",
        "9f ff",
        "9f 01 82 02 03 9f 04 05 ff ff",
        "bf 61 61 01 ff",
        "82 01 9f ff",
        "a1 01 5f ff",
        "c1 9f ff",
    ])
    func indefinite(_ encoded: String) {
        #expect(decodeError(hex(encoded)) == .indefiniteLength)
        #expect(decodeError(hex(encoded), options: .strict) == .indefiniteLength)
    }

    @Test("reserved and stray initial bytes are malformed", arguments: ["ff", "1c", "1f", "3e", "dd", "fc", "fd", "fe", "82 01 ff"])
    func malformed(_ encoded: String) {
        guard case .malformed(let detail) = decodeError(hex(encoded)) else {
            Issue.record("expected .malformed for \(encoded), got \(String(describing: decodeError(hex(encoded))))")
            return
        }
        #expect(!detail.isEmpty)
    }

    @Test("invalid UTF-8 in text strings is rejected", arguments: [
        "62 c328",       // bad continuation
        "62 c0af",       // overlong
        "63 eda080",     // UTF-16 surrogate
        "61 ff",
        "64 f4908080",   // above U+10FFFF
        "a1 62 c328 01", // as a map key
    ])
    func invalidUTF8(_ encoded: String) {
        #expect(decodeError(hex("a1 01 62 c328")) == .malformed("a text string that is not valid UTF-8 at offset 2"))
        guard case .malformed(let detail) = decodeError(hex(encoded)) else {
            Issue.record("expected .malformed for \(encoded), got \(String(describing: decodeError(hex(encoded))))")
            return
        }
        #expect(detail.hasPrefix("a text string that is not valid UTF-8 at offset"))
    }

    @Test("input longer than maxInputLength is rejected before parsing")
    func tooLarge() {
        let options = CBORDecodingOptions(maxInputLength: 8)
        #expect(decodeError(hex("48 0102030405060708"), options: options) == .tooLarge(limit: 8))
        #expect(decodeError(hex("47 01020304050607"), options: options) == nil)
        #expect(throws: CBORError.tooLarge(limit: 0)) {
            try CBORDecoder.decode(hex("00"), options: CBORDecodingOptions(maxInputLength: -5))
        }
        // The generic overload checks the count before copying.
        #expect(throws: CBORError.tooLarge(limit: 8)) {
            try CBORDecoder.decode(repeatElement(UInt8(0), count: 9), options: options)
        }
    }

    @Test("every error has a one-line description naming what was expected and found")
    func descriptions() {
        let errors: [CBORError] = [
            .empty, .truncated, .malformed("x"), .trailingBytes(count: 3), .indefiniteLength,
            .duplicateMapKey("1"), .nonCanonical("y"), .tooDeep(limit: 16), .tooLarge(limit: 10),
            .declaredLengthExceedsInput, .unsupported("z"),
        ]
        for error in errors {
            let text = error.description
            #expect(text.hasPrefix("expected "), "\(text)")
            #expect(text.contains("found"), "\(text)")
            #expect(!text.contains("\n"))
        }
        #expect(CBORError.trailingBytes(count: 3).description.contains("3 trailing bytes"))
        #expect(CBORError.trailingBytes(count: 1).description.contains("1 trailing byte,") == false)
        #expect(CBORError.tooDeep(limit: 16).description.contains("16"))
        #expect(CBORError.tooLarge(limit: 10).description.contains("10"))
        #expect(CBORError.duplicateMapKey("\"fmt\"").description.contains("\"fmt\""))
    }
}

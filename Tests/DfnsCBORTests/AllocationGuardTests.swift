import Testing
@testable import DfnsCBOR

/// The libcbor allocation hazard (c-abi-notes §7): declared counts must be rejected before
/// `cbor_load` allocates from them.
@Suite("Allocation guard and limits")
struct AllocationGuardTests {
    static let bombInputs: [String] = [
        "9a10000000",                 // array of 2^28 elements: ~2 GB in libcbor 0.8
        "9b0000000040000000",         // array of 2^30 elements: ~8 GB
        "9bffffffffffffffff",         // count does not fit in Int
        "bb0000000040000000",         // map of 2^30 pairs
        "bbffffffffffffffff",         // pair count whose double overflows
        "ba10000000",
        "5bffffffffffffffff",         // byte string longer than memory
        "5a10000000",
        "7b0000000040000000",
        "81 81 81 9a10000000",        // nested bomb
        "a1 01 9a10000000",
        "c1 9a10000000",
        "82 85 0000000000 85",        // each count fits on its own, the running total does not
    ]

    @Test("declared-length bombs are rejected with little memory", arguments: bombInputs)
    func bombs(_ encoded: String) {
        let bytes = hex(encoded)
        // No timing is asserted (tests never do; issue 6): the peak resident size is what shows that
        // nothing was allocated from the declared length.
        let rssBefore = peakRSSKiB()
        for _ in 0..<100 {
            #expect(decodeError(bytes) == .declaredLengthExceedsInput)
            #expect(throws: CBORError.declaredLengthExceedsInput) { try CBORDecoder.decodePrefix(bytes) }
        }
        let growthKiB = peakRSSKiB() - rssBefore
        // The error code already shows the pre-walk refused the input; the bound is loose because
        // other suites run in parallel in this process (and ASan keeps freed memory in quarantine).
        #expect(growthKiB < 128 * 1024, "peak RSS grew by \(growthKiB) KiB")
    }

    @Test("declared slots exactly matching the input pass the guard")
    func exactFit() throws {
        // 3 slots in 4 bytes, 1 + 2*1 slots in 5 bytes.
        #expect(try CBORDecoder.decode(hex("83 01 02 03")).arrayValue?.count == 3)
        #expect(try CBORDecoder.decode(hex("81 a1 01 02")) == .array([.map(CBORMap([(.unsigned(1), .unsigned(2))]))]))
        // 1000 one-byte elements: 1000 slots in 1003 bytes.
        let big = hex("19 03e8") + [UInt8](repeating: 0xf6, count: 1000)
        var withHeader = big
        withHeader[0] = 0x99
        #expect(try CBORDecoder.decode(withHeader).arrayValue?.count == 1000)
    }

    @Test("nesting deeper than maxDepth is rejected", arguments: [0, 1, 2, 16, 40])
    func depth(_ limit: Int) throws {
        let options = CBORDecodingOptions(maxDepth: limit)
        let atLimit = [UInt8](repeating: 0x81, count: limit) + [0x00]
        let beyond = [UInt8](repeating: 0x81, count: limit + 1) + [0x00]
        _ = try CBORDecoder.decode(atLimit, options: options)
        #expect(decodeError(beyond, options: options) == .tooDeep(limit: limit))
        // Maps, tags and empty containers count as levels too.
        let mixed = [UInt8](repeating: 0xc1, count: limit) + [0x80]
        #expect(decodeError(mixed, options: options) == .tooDeep(limit: limit))
        let maps = Array([[UInt8]](repeating: [0xa1, 0x00], count: limit + 1).joined()) + [0x00]
        #expect(decodeError(maps, options: options) == .tooDeep(limit: limit))
    }

    @Test("default depth is 16; the ceiling caps huge maxDepth values")
    func depthDefaultsAndCeiling() throws {
        #expect(decodeError([UInt8](repeating: 0x81, count: 16) + [0x00]) == nil)
        #expect(decodeError([UInt8](repeating: 0x81, count: 17) + [0x00]) == .tooDeep(limit: 16))
        let huge = CBORDecodingOptions(maxDepth: 1_000_000)
        let ceiling = CBORDecodingOptions.depthCeiling
        #expect(decodeError([UInt8](repeating: 0x81, count: ceiling) + [0x00], options: huge) == nil)
        #expect(decodeError([UInt8](repeating: 0x81, count: ceiling + 1) + [0x00], options: huge) == .tooDeep(limit: ceiling))
        #expect(decodeError([0x81, 0x00], options: CBORDecodingOptions(maxDepth: -3)) == .tooDeep(limit: 0))
    }

    @Test("deep nesting within the input size is rejected before recursion (64 KiB of 0x81)")
    func deepInput() {
        let bytes = [UInt8](repeating: 0x81, count: 65_536) + [0x00]
        let options = CBORDecodingOptions(maxDepth: .max)
        #expect(decodeError(bytes, options: options) == .tooDeep(limit: CBORDecodingOptions.depthCeiling))
    }
}

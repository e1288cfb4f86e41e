import Testing
@testable import DfnsCBOR

/// Arbitrary bytes must produce a value or a thrown CBORError, never a trap. Each successful
/// decode is also checked against properties that a broken decoder or encoder would violate.
@Suite("Robustness against arbitrary input")
struct RobustnessTests {
    static let seeds: [[UInt8]] = [
        coseKeyES256,
        attestationLike,
        hex("8301820203820405"),
        hex("a26161016162820203"),
        hex("c1fb41d452d9ec200000"),
        hex("d82076687474703a2f2f7777772e6578616d706c652e636f6d"),
        hex("a3 01 63 4f4b50 03 27 20 67 45643235353139"),        // text-valued COSE fields
        hex("84 f4 f5 f6 f7 f9 3c00 fa 47c35000"),
        hex("a2 82 01 02 a1 00 40 bf ff 5f"),                     // contains indefinite markers
    ]

    /// Bytes that tend to reach interesting paths: long arguments, indefinite markers, breaks,
    /// reserved values, container headers.
    static let interestingBytes: [UInt8] = [
        0x00, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0x3b, 0x40, 0x58, 0x5b, 0x5f, 0x60, 0x78,
        0x7b, 0x7f, 0x80, 0x98, 0x9a, 0x9b, 0x9f, 0xa0, 0xb8, 0xba, 0xbb, 0xbf, 0xc0, 0xd8, 0xdb, 0xe0,
        0xf4, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xff,
    ]

    @Test("every prefix of every seed decodes or throws")
    func prefixes() {
        for seed in Self.seeds {
            for length in 0...seed.count {
                check(Array(seed.prefix(length)))
            }
        }
    }

    @Test("every single-byte substitution of the COSE key decodes or throws")
    func singleByteSubstitutions() {
        var bytes = coseKeyES256
        for position in 0..<12 {           // the header region; the key bytes are opaque
            let original = bytes[position]
            for replacement in Self.interestingBytes {
                bytes[position] = replacement
                check(bytes)
            }
            bytes[position] = original
        }
    }

    @Test("4000 pseudo-random mutations decode or throw")
    func mutations() {
        var random = TestRandom(seed: 0xD0C5_CB0E)
        var accepted = 0
        var rejected = 0
        for _ in 0..<4000 {
            var bytes = Self.seeds[random.below(Self.seeds.count)]
            for _ in 0..<(1 + random.below(4)) {
                mutate(&bytes, &random)
            }
            if check(bytes) { accepted += 1 } else { rejected += 1 }
        }
        // Both outcomes must occur, or the mutator is not exercising anything.
        #expect(accepted > 50, "accepted \(accepted)")
        #expect(rejected > 500, "rejected \(rejected)")
    }

    @Test("2000 purely random short inputs decode or throw")
    func randomInputs() {
        var random = TestRandom(seed: 42)
        for _ in 0..<2000 {
            let length = random.below(24)
            check((0..<length).map { _ in
                random.below(3) == 0 ? Self.interestingBytes[random.below(Self.interestingBytes.count)] : random.byte()
            })
        }
    }

    /// Applies one random edit.
    private func mutate(_ bytes: inout [UInt8], _ random: inout TestRandom) {
        let position = random.below(max(bytes.count, 1))
        switch random.below(7) {
        case 0 where !bytes.isEmpty:
            bytes[position] ^= UInt8(1) << UInt8(random.below(8))
        case 1 where !bytes.isEmpty:
            bytes[position] = Self.interestingBytes[random.below(Self.interestingBytes.count)]
        case 2:
            bytes.insert(random.byte(), at: min(position, bytes.count))
        case 3 where !bytes.isEmpty:
            bytes.remove(at: position)
        case 4:
            bytes = Array(bytes.prefix(position))
        case 5 where !bytes.isEmpty:
            let end = min(bytes.count, position + 1 + random.below(8))
            bytes.insert(contentsOf: bytes[position..<end], at: end)
        default:
            if !bytes.isEmpty { bytes[position] = random.byte() }
        }
    }

    /// Decodes `bytes` every way and checks the properties of any success. Returns whether the
    /// default decode succeeded.
    @discardableResult
    private func check(_ bytes: [UInt8]) -> Bool {
        let strict = try? CBORDecoder.decode(bytes, options: .strict)
        let prefix = try? CBORDecoder.decodePrefix(bytes)
        _ = try? CBORDecoder.decodePrefix(bytes, options: CBORDecodingOptions(maxDepth: 2, requireCanonical: true))
        let value: CBORValue
        do {
            value = try CBORDecoder.decode(bytes)
        } catch {
            #expect(strict == nil, "strict accepted what default rejected: \(hexString(bytes))")
            if case .trailingBytes(let count) = error {
                #expect(prefix?.length == bytes.count - count, "\(hexString(bytes))")
            }
            return false
        }
        #expect(prefix?.length == bytes.count, "\(hexString(bytes))")
        let comparable = value == value   // false only when a NaN is inside
        if comparable {
            #expect(prefix?.value == value)
            if let strict { #expect(strict == value) }
            // The encoder's canonical output must pass strict decoding and mean the same thing.
            let canonical = CBOREncoder.encode(value, sortKeys: true)
            #expect((try? CBORDecoder.decode(canonical, options: .strict)) == value, "\(hexString(bytes))")
        }
        // Strictly canonical input without floats re-encodes to the same bytes.
        if strict != nil, !containsFloat(value) {
            #expect(CBOREncoder.encode(value) == bytes, "\(hexString(bytes))")
        }
        return true
    }
}

import Testing
@testable import DfnsCBOR

@Suite("decodePrefix")
struct DecodePrefixTests {
    @Test("finds the end of a COSE key followed by an extension map")
    func coseKeyInAuthData() throws {
        let extensions = hex("a1 6b 6372656450726f74656374 02")
        let authDataTail = coseKeyES256 + extensions
        let (key, length) = try CBORDecoder.decodePrefix(authDataTail)
        #expect(length == 77)
        #expect(key.mapValue?[int: 1] == .unsigned(2))
        #expect(key.mapValue?[int: -2]?.bytesValue == (0..<32).map { UInt8($0) })
        let rest = try CBORDecoder.decode(authDataTail[length...])
        #expect(rest.mapValue?[text: "credProtect"] == .unsigned(2))
    }

    @Test("lengths count from the slice's start index")
    func sliceIndices() throws {
        let buffer = [UInt8](repeating: 0xee, count: 55) + coseKeyES256 + [0xff, 0xff]
        let slice = buffer[55...]
        let (value, length) = try CBORDecoder.decodePrefix(slice)
        #expect(length == coseKeyES256.count)
        #expect(value == (try CBORDecoder.decode(coseKeyES256)))
        // The bytes after the item are never looked at, even when they are garbage.
        #expect(try CBORDecoder.decodePrefix(hex("01 ff ff 9a")).length == 1)
    }

    @Test("decodePrefix of a whole item equals decode")
    func wholeItem() throws {
        for bytes in [coseKeyES256, attestationLike, hex("83010203")] {
            let prefix = try CBORDecoder.decodePrefix(bytes)
            #expect(prefix.length == bytes.count)
            #expect(prefix.value == (try CBORDecoder.decode(bytes)))
        }
    }

    @Test("the raw buffer and generic overloads agree with the array overload")
    func overloads() throws {
        let bytes = attestationLike + [0x00]
        let fromRaw = try bytes.withUnsafeBytes { try CBORDecoder.decodePrefix($0) }
        #expect(fromRaw.length == attestationLike.count)
        let generic = try CBORDecoder.decode(AnyCollection(attestationLike))
        #expect(generic == fromRaw.value)
        let rawWhole = try attestationLike.withUnsafeBytes { try CBORDecoder.decode($0) }
        #expect(rawWhole == generic)
        #expect(throws: CBORError.empty) { try CBORDecoder.decode(UnsafeRawBufferPointer(start: nil, count: 0)) }
    }

    @Test("decodePrefix still rejects a cut-off item and non-canonical input in strict mode")
    func prefixErrors() {
        #expect(throws: CBORError.truncated) { try CBORDecoder.decodePrefix(hex("82 01")) }
        #expect(throws: CBORError.self) { try CBORDecoder.decodePrefix(hex("18 01 00"), options: .strict) }
        #expect(throws: CBORError.indefiniteLength) { try CBORDecoder.decodePrefix(hex("9f ff 00")) }
    }
}

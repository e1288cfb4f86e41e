import DfnsEncoding
import Testing

@Suite("Encodings")
struct EncodingTests {
    @Test func base64URLRoundTrip() throws {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
            #expect(try Base64URL.decode(encoded) == bytes)
        }
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(try Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(try Base64URL.decode("") == [])
    }

    @Test(arguments: ["AQ==", "AQ=", "+w", "/w", "AQ ", " AQ", "A\nQ", "A", "AQID\t", "AQIDB", "AQ\u{0}", "é"])
    func base64URLRejects(_ input: String) {
        #expect(throws: EncodingError.self) { try Base64URL.decode(input) }
    }

    @Test func base64URLRejectsNonCanonicalTrailingBits() throws {
        // "AQ" is 0x01; "AR" has a non-zero unused low bit.
        #expect(throws: EncodingError.self) { try Base64URL.decode("AR") }
        #expect(throws: EncodingError.self) { try Base64URL.decode("AQJ") }
        #expect(try Base64URL.decode("AQI") == [1, 2])
    }

    @Test func base64Standard() throws {
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fooba".utf8)) == "Zm9vYmE=")
        #expect(Base64.encode(Array("foob".utf8)) == "Zm9vYg==")
        #expect(try Base64.decode("Zm9vYg==") == Array("foob".utf8))
        #expect(try Base64.decode("+/8=") == [0xfb, 0xff])
        for bad in ["Zm9vYg", "Zm9vYg=", "Zm9v\nYg==", "Zm9vYg===", "Zm=vYg==", "-_8=", "Zm9vYh=="] {
            #expect(throws: EncodingError.self, "\(bad)") { try Base64.decode(bad) }
        }
    }

    @Test func hexRoundTrip() throws {
        #expect(Hex.encode([0x00, 0xab, 0xff]) == "00abff")
        #expect(try Hex.decode("00ABff") == [0x00, 0xab, 0xff])
        #expect(try Hex.decode("") == [])
        #expect(throws: EncodingError.self) { try Hex.decode("abc") }
        #expect(throws: EncodingError.self) { try Hex.decode("zz") }
        #expect(throws: EncodingError.self) { try Hex.decode("0x00") }
    }
}

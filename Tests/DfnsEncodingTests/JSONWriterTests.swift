import DfnsEncoding
import Testing

@Suite("JSON writer and equivalence")
struct JSONWriterTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser().parse(Array(text.utf8)) }

    @Test("compact output, members in stored order, JSON.stringify escapes")
    func compact() throws {
        let value: JSONValue = .object([
            ("type", .string("key.get")),
            ("challenge", .string("Y2gtNzloaHQ")),
            ("n", .number("-1.5e3")),
            ("list", .array([.null, .bool(true), .bool(false), .object([])])),
            ("text", .string("é \"q\" \\ \u{08}\u{0C}\n\r\t\u{01}\u{7F}😀")),
        ])
        #expect(JSONWriter.string(value)
                == #"{"type":"key.get","challenge":"Y2gtNzloaHQ","n":-1.5e3,"list":[null,true,false,{}],"text":"é \"q\" \\ \b\f\n\r\t\u0001"# + "\u{7F}😀\"}")
        // What the writer writes, the strict parser reads back to the same value.
        #expect(try JSONParser().parse(JSONWriter.bytes(value)) == value)
    }

    @Test("the Key clientData of the protocol vectors is written byte for byte")
    func keyClientData() {
        let value: JSONValue = .object([("type", .string("key.get")),
                                        ("challenge", .string("Y2gtNzloaHQtbXJlb2stOGFwOHFtMmVpZWZ0amxhZw"))])
        #expect(Base64URL.encode(JSONWriter.bytes(value))
                == "eyJ0eXBlIjoia2V5LmdldCIsImNoYWxsZW5nZSI6IlkyZ3ROemxvYUhRdGJYSmxiMnN0T0dGd09IRnRNbVZwWldaMGFteGhadyJ9")
    }

    @Test("equivalence ignores member order, escapes and number spelling")
    func equivalence() throws {
        let python = try parse(#"{"name": "Ren\u00e9e", "amount": 1.50, "tags": ["a", "b"], "nested": {"x": 1e2, "y": null}}"#)
        let raw = try parse(#"{"tags":["a","b"],"nested":{"y":null,"x":100},"amount":1.5,"name":"Renée"}"#)
        #expect(python.isEquivalent(to: raw))
        #expect(raw.isEquivalent(to: python))
        #expect(try parse("0").isEquivalent(to: parse("-0.0e5")))
        #expect(try parse("12.300").isEquivalent(to: parse("1.23e1")))
    }

    @Test("equivalence still tells different data apart", arguments: [
        (#"{"a":1}"#, #"{"a":2}"#),
        (#"{"a":1}"#, #"{"a":1,"b":1}"#),
        (#"{"a":1}"#, #"{"b":1}"#),
        (#"[1,2]"#, #"[2,1]"#),
        (#""1""#, #"1"#),
        (#"{"a":"x"}"#, #"{"a":"x "}"#),
        (#"{"a":null}"#, #"{"a":false}"#),
        (#"1e400"#, #"1e401"#),
        (#"10"#, #"1"#),
    ])
    func notEquivalent(_ pair: (String, String)) throws {
        #expect(try !parse(pair.0).isEquivalent(to: parse(pair.1)))
        #expect(try !parse(pair.1).isEquivalent(to: parse(pair.0)))
    }
}

@Suite("Hex, PEM and civil dates")
struct HexPEMDateTests {
    @Test func hexIntegersAndPrefix() throws {
        #expect(Hex.encode(integer: UInt8(0x05)) == "05")
        #expect(Hex.encode(integer: UInt16(0x000b)) == "000b")
        #expect(Hex.encode(integer: UInt32(0xff544347)) == "ff544347")
        #expect(Hex.encode(integer: UInt64.max) == "ffffffffffffffff")
        #expect(try Hex.decode("0xABcd", allowPrefix: true) == [0xab, 0xcd])
        #expect(try Hex.decode("0X", allowPrefix: true) == [])
        #expect(throws: EncodingError.self) { try Hex.decode("0xABcd") }
        #expect(throws: EncodingError.self) { try Hex.decode("0x0x00", allowPrefix: true) }
        do {
            _ = try Hex.decode("0g")
            Issue.record("decoded invalid hex")
        } catch {
            #expect(error.encoding == .hex)
            #expect(error.message == "invalid hex character at offset 0")
        }
    }

    @Test func pemRoundTripAndLabels() throws {
        let der: [UInt8] = Array(0..<100)
        let pem = PEMArmor.encode(der, label: "PUBLIC KEY")
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(pem.hasSuffix("\n-----END PUBLIC KEY-----\n"))
        #expect(pem.split(separator: "\n").allSatisfy { $0.count <= 64 })
        #expect(try PEMArmor.decode(pem, label: "PUBLIC KEY") == der)
        let any = try PEMArmor.decode("  \r\n" + pem.replacingOccurrences("PUBLIC KEY", "RSA PUBLIC KEY") + "\n\n")
        #expect(any.label == "RSA PUBLIC KEY")
        #expect(any.der == der)
        #expect(throws: EncodingError.self) { try PEMArmor.decode(pem, label: "PRIVATE KEY") }
    }

    @Test("malformed PEM is refused with a reason", arguments: [
        "",
        "-----BEGIN PUBLIC KEY-----\nAAEC\n",
        "-----BEGIN PUBLIC KEY-----\nAAEC\n-----END PRIVATE KEY-----",
        "-----BEGIN -----\nAAEC\n-----END -----",
        "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\nAAE*\n-----END PUBLIC KEY-----",
        "junk-----BEGIN PUBLIC KEY-----\nAAEC\n-----END PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\nAAEC\n-----END PUBLIC KEY-----\n-----BEGIN PUBLIC KEY-----\nAAEC\n-----END PUBLIC KEY-----",
    ])
    func pemRefused(_ text: String) {
        #expect(throws: EncodingError.self) { try PEMArmor.decode(text) }
    }

    @Test func civilDates() {
        #expect(CivilDate.unixSeconds(iso8601: "1970-01-01T00:00:00Z") == 0)
        #expect(CivilDate.unixSeconds(iso8601: "2024-01-01T00:00:00.000Z") == 1_704_067_200)
        #expect(CivilDate.unixSeconds(iso8601: "2000-02-29T12:34:56+00:00") == 951_827_696)
        #expect(CivilDate.unixSeconds(iso8601: "2024-01-01T00:00:00+01:00") == nil)
        #expect(CivilDate.unixSeconds(iso8601: "2024-01-01T00:00:00.Z") == nil)
        #expect(CivilDate.unixSeconds(iso8601: "2024-13-01T00:00:00Z") == nil)
        #expect(CivilDate.iso8601(unixSeconds: 1_704_067_200) == "2024-01-01T00:00:00.000Z")
        #expect(CivilDate.iso8601(unixSeconds: 951_827_696, milliseconds: 7) == "2000-02-29T12:34:56.007Z")
        #expect(CivilDate.iso8601(unixSeconds: -1) == "1969-12-31T23:59:59.000Z")
        // Every day over four centuries survives a round trip.
        var seconds: Int64 = -2_208_988_800   // 1900-01-01
        while seconds < 10_413_792_000 {      // 2300-01-01
            let date = CivilDate(unixSeconds: seconds + 45_296)
            #expect(date.unixSeconds == seconds + 45_296)
            seconds += 86_400 * 7
        }
    }
}

private extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

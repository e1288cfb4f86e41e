
import Testing
import DfnsEncoding

@Suite("JSON parser")
struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser().parse(Array(text.utf8)) }

    @Test("values, escapes and surrogate pairs")
    func values() throws {
        let value = try parse(#" {"a": [1, -2.5e3, true, false, null], "b": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"} "#)
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["b"]?.stringValue == "x\"\\/\u{08}\u{0C}\n\r\té😀")
        #expect(try parse("123").int64Value == 123)
    }

    @Test("rejects malformed documents", arguments: [
        "", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", "-", "1e", "tru", "nul",
        "\"abc", "\"\\x\"", "\"\\ud800\"", "\"\\udc00x\"", "{\"a\":1}{", "[1] 2", "\"a\u{01}\"",
        "{\"a\":1,\"a\":2}",
    ])
    func rejects(text: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
    }

    @Test("rejects invalid UTF-8 and deep nesting")
    func limits() throws {
        #expect(throws: JSONParseError.self) { try JSONParser().parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser().parse(Array(String(repeating: "[", count: 100).utf8)) }
        // Every shape of invalid UTF-8, in a plain string, before and after an escape, and as a
        // member name: refused, never repaired.
        let invalid: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80]]
        for bad in invalid {
            for document in [[0x22] + bad + [0x22], [0x22, 0x61] + bad + [0x5C, 0x6E, 0x22], [0x22, 0x5C, 0x6E] + bad + [0x62, 0x22],
                             [0x7B, 0x22] + bad + [0x22, 0x3A, 0x31, 0x7D]] {
                #expect(throws: JSONParseError.self, "\(document)") { try JSONParser().parse(document) }
            }
        }
        // Valid multi-byte text, U+FFFD itself included, is kept exactly.
        for text in ["é", "日本語", "\u{FFFD}", "a\u{1F600}b", "x\u{FFFD}y"] {
            #expect(try JSONParser().parse(Array("\"\(text)\"".utf8)) == .string(text))
            #expect(try JSONParser().parse(Array("\"\(text)\\t\(text)\"".utf8)) == .string(text + "\t" + text))
        }
        var small = JSONParser()
        small.maxLength = 4
        #expect(throws: JSONParseError.self) { try small.parse(Array("[1,2,3]".utf8)) }
    }
}

@Suite("JSON parser, large objects")
struct JSONParserLargeObjectTests {
    @Test("duplicate names are found in objects past the linear-scan size")
    func largeObjects() throws {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }
        let ok = "{" + members.joined(separator: ",") + "}"
        #expect(try JSONParser().parse(Array(ok.utf8))["k39"] == .number("39"))
        let duplicateLate = "{" + (members + ["\"k3\":0"]).joined(separator: ",") + "}"
        #expect(throws: JSONParseError.self) { try JSONParser().parse(Array(duplicateLate.utf8)) }
        let duplicateEarly = "{" + (["\"k20\":0"] + members).joined(separator: ",") + "}"
        #expect(throws: JSONParseError.self) { try JSONParser().parse(Array(duplicateEarly.utf8)) }
    }
}

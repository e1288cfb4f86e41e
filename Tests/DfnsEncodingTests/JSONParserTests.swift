
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
    func limits() {
        #expect(throws: JSONParseError.self) { try JSONParser().parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser().parse(Array(String(repeating: "[", count: 100).utf8)) }
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

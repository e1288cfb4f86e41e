import DfnsClient
import Testing

@Suite("Transport value types")
struct TransportTypesTests {
    @Test("HTTPHeaders: ordered, repeated names kept, case-insensitive lookup")
    func headersLookup() {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "X-A": "1"]
        headers.add(name: "x-a", value: "2")
        #expect(headers.count == 3)
        #expect(headers["content-TYPE"] == "application/json")
        #expect(headers["X-A"] == "1")
        #expect(headers.values(for: "X-a") == ["1", "2"])
        #expect(headers.contains("CONTENT-TYPE"))
        #expect(!headers.contains("Content-Typ"))
        #expect(headers["Missing"] == nil)
        #expect(headers.map(\.name) == ["Content-Type", "X-A", "x-a"])
    }

    @Test("HTTPHeaders: set replaces every field of the name in place; nil removes")
    func headersMutation() {
        var headers = HTTPHeaders()
        headers.add(name: "A", value: "1")
        headers.add(name: "B", value: "2")
        headers.add(name: "a", value: "3")
        headers.set(name: "A", value: "new")
        #expect(headers.fields == [HTTPHeaders.Field(name: "A", value: "new"), HTTPHeaders.Field(name: "B", value: "2")])
        headers["C"] = "4"
        #expect(headers.fields.last == HTTPHeaders.Field(name: "C", value: "4"))
        headers["b"] = nil
        #expect(headers.map(\.name) == ["A", "C"])
        headers.remove(name: "a")
        #expect(headers.map(\.name) == ["C"])
    }

    @Test("HTTPHeaders.namesMatch compares ASCII case-insensitively, other bytes exactly")
    func namesMatch() {
        #expect(HTTPHeaders.namesMatch("X-DFNS-USERACTION", "x-dfns-useraction"))
        #expect(!HTTPHeaders.namesMatch("X-Dfns", "X-Dfns-"))
        #expect(!HTTPHeaders.namesMatch("É", "é"))
        #expect(HTTPHeaders.namesMatch("", ""))
    }

    @Test("TransportError describes its kind and message")
    func errorDescription() {
        let error = TransportError(.timeout, "curl error 28 (Timeout was reached)")
        #expect(error.description == "transport error (timeout): curl error 28 (Timeout was reached)")
        #expect(TransportError.Kind.allCases.count == 9)
        #expect(HTTPMethod.allCases.map(\.rawValue) == ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])
        #expect(!HTTPMethod.get.permitsRequestBody && HTTPMethod.delete.permitsRequestBody)
        #expect(HTTPResponse(status: 204).isSuccess && !HTTPResponse(status: 302).isSuccess)
    }
}

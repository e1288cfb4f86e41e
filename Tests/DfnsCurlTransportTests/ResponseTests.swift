import DfnsClient
import DfnsCurlTransport
import DfnsTestHTTPServer
import Testing

@Suite("CurlTransport: what the caller receives")
struct ResponseTests {
    @Test("every status is a response, with its headers and body", arguments: [200, 201, 202, 204, 301, 400, 401, 403, 404, 409, 429, 500, 503])
    func statuses(status: Int) async throws {
        let body = status == 204 ? [] : Array(#"{"error":{"status":\#(status),"message":"m"}}"#.utf8)
        let server = try TestHTTPServer(script: { _ in
            .respond(status: status, headers: ["Content-Type": "application/json", "Location": "/elsewhere"], body: body)
        })
        defer { server.stop() }

        let response = try await loopbackTransport().send(HTTPRequest(method: .post, url: server.url("/keys/k-1/signatures"), body: []))

        #expect(response.status == status)
        #expect(response.body == body)
        #expect(response.isSuccess == (200..<300).contains(status))
        // A 301 is returned as it is: redirects are never followed.
        #expect(response.headers["Location"] == "/elsewhere")
        #expect(server.requests.count == 1)
    }

    @Test("response header fields keep their order and repetitions; lookups ignore case")
    func responseHeaders() async throws {
        var headers = HTTPHeaders()
        headers.add(name: "X-Request-ID", value: "req-123")
        headers.add(name: "Set-Cookie", value: "a=1")
        headers.add(name: "Set-Cookie", value: "b=2")
        headers.add(name: "X-Padded", value: "  spaced value\t")
        let server = try TestHTTPServer(script: { [headers] _ in .respond(status: 200, headers: headers, body: [1, 2, 3]) })
        defer { server.stop() }

        let response = try await loopbackTransport().send(HTTPRequest(method: .get, url: server.url("/")))

        #expect(response.headers["x-request-id"] == "req-123")
        #expect(response.headers.values(for: "set-cookie") == ["a=1", "b=2"])
        #expect(response.headers["X-Padded"] == "spaced value")
        #expect(response.headers["Content-Length"] == "3")
        let names = response.headers.fields.map(\.name)
        let requestID = try #require(names.firstIndex(of: "X-Request-ID"))
        let cookie = try #require(names.firstIndex(of: "Set-Cookie"))
        #expect(requestID < cookie)
        #expect(!names.contains { $0.hasPrefix("HTTP/") })
        #expect(response.body == [1, 2, 3])
    }

    @Test("a binary response body with NUL bytes arrives exactly")
    func binaryResponse() async throws {
        let body: [UInt8] = [0, 0xFF, 0, 0x0D, 0x0A, 0x0D, 0x0A, 0x80, 0]
        let server = try TestHTTPServer(script: { _ in .respond(status: 200, body: body) })
        defer { server.stop() }

        let response = try await loopbackTransport().send(HTTPRequest(method: .get, url: server.url("/")))

        #expect(response.body == body)
    }

    @Test("a body exactly at the size limit is accepted, declared or not")
    func bodyAtLimit() async throws {
        let server = try TestHTTPServer(script: { request in
            .largeBody(status: 200, size: 4096, declaresLength: request.path == "/declared")
        })
        defer { server.stop() }
        let transport = loopbackTransport(maximumResponseBodySize: 4096)

        for path in ["/declared", "/undeclared"] {
            let response = try await transport.send(HTTPRequest(method: .get, url: server.url(path)))
            #expect(response.body.count == 4096)
            #expect(response.body == (0..<4096).map(ResponseAction.largeBodyByte(at:)))
        }
    }
}

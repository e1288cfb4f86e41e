import DfnsClient
import DfnsCurlTransport
import DfnsTestHTTPServer
import Testing

@Suite("CurlTransport: what the server receives")
struct RequestTests {
    @Test("GET: method, path and query, Authorization, User-Agent naming the library, no body")
    func get() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }
        let transport = loopbackTransport()
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln")
        headers.add(name: "X-Custom", value: "one")
        headers.add(name: "X-Custom", value: "two")

        let response = try await transport.send(HTTPRequest(
            method: .get, url: server.url("/wallets/wa-1?limit=2&paginationToken=a%2Fb"), headers: headers
        ))

        #expect(response.status == 200)
        #expect(response.body == Array("ok".utf8))
        let request = try onlyRequest(server)
        #expect(request.method == "GET")
        #expect(request.target == "/wallets/wa-1?limit=2&paginationToken=a%2Fb")
        #expect(request.path == "/wallets/wa-1")
        #expect(request.query == "limit=2&paginationToken=a%2Fb")
        #expect(request.version == "HTTP/1.1")
        #expect(request.headers["authorization"] == "Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln")
        #expect(request.headers.values(for: "X-Custom") == ["one", "two"])
        let userAgent = try #require(request.headers["User-Agent"])
        #expect(userAgent == CurlTransportConfiguration.libraryUserAgent)
        #expect(userAgent.hasPrefix("dfns-bridge/"))
        #expect(request.headers["Host"] == "127.0.0.1:\(server.port)")
        #expect(!request.headers.contains("Content-Length"))
        #expect(!request.headers.contains("Content-Type"))
        #expect(request.body.isEmpty)
    }

    @Test("POST: Content-Type and Content-Length as sent, non-ASCII UTF-8 byte for byte, no Expect")
    func postJSON() async throws {
        let server = try TestHTTPServer(script: echoScript)
        defer { server.stop() }
        let transport = loopbackTransport()
        let json = #"{"name":"Zoë — 钱包 🔑","amount":"1.5","memo":"a\"b\\c"}"#
        let body = Array(json.utf8)

        let response = try await transport.send(HTTPRequest(
            method: .post, url: server.url("/wallets"),
            headers: ["Content-Type": "application/json", "X-DFNS-USERACTION": "token-1"], body: body
        ))

        #expect(response.status == 200)
        #expect(response.body == body)
        let request = try onlyRequest(server)
        #expect(request.method == "POST")
        #expect(request.body == body)
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Content-Length"] == String(body.count))
        #expect(request.headers["x-dfns-useraction"] == "token-1")
        #expect(!request.headers.contains("Expect"))
        #expect(!request.headers.contains("Transfer-Encoding"))
    }

    @Test("a body with NUL bytes and every byte value arrives exactly")
    func binaryBody() async throws {
        let server = try TestHTTPServer(script: echoScript)
        defer { server.stop() }
        let body: [UInt8] = Array("before\u{0}after".utf8) + (0...255).map(UInt8.init) + [0, 0]

        let response = try await loopbackTransport().send(HTTPRequest(
            method: .post, url: server.url("/blob"), headers: ["Content-Type": "application/octet-stream"], body: body
        ))

        #expect(response.body == body)
        #expect(try onlyRequest(server).body == body)
    }

    @Test("a 2 MiB body is sent whole, without an Expect: 100-continue round trip")
    func largeRequestBody() async throws {
        let server = try TestHTTPServer(script: { request in .text(String(request.body.count)) })
        defer { server.stop() }
        let body = (0..<(2 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }

        let response = try await loopbackTransport().send(HTTPRequest(
            method: .post, url: server.url("/large"), headers: ["Content-Type": "application/octet-stream"], body: body
        ))

        #expect(response.body == Array(String(body.count).utf8))
        let request = try onlyRequest(server)
        #expect(request.body == body)
        #expect(!request.headers.contains("Expect"))
    }

    @Test("a body without Content-Type gets none (not libcurl's form type)")
    func noInventedContentType() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }

        _ = try await loopbackTransport().send(HTTPRequest(method: .post, url: server.url("/x"), body: Array("{}".utf8)))

        let request = try onlyRequest(server)
        #expect(!request.headers.contains("Content-Type"))
        #expect(request.body == Array("{}".utf8))
    }

    @Test("PUT and DELETE with bodies, DELETE without, and PUT and POST without a body send Content-Length: 0")
    func otherMethods() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }
        let transport = loopbackTransport()
        let json: [UInt8] = Array(#"{"reason":"rotate"}"#.utf8)
        let requests = [
            HTTPRequest(method: .put, url: server.url("/auth/credentials/activate"), headers: ["Content-Type": "application/json"], body: json),
            HTTPRequest(method: .delete, url: server.url("/wallets/wa-1/tags"), headers: ["Content-Type": "application/json"], body: json),
            HTTPRequest(method: .delete, url: server.url("/webhooks/wh-1")),
            HTTPRequest(method: .put, url: server.url("/auth/logout")),
            HTTPRequest(method: .post, url: server.url("/auth/action/init")),
            HTTPRequest(method: .patch, url: server.url("/policies/p-1"), headers: ["Content-Type": "application/json"], body: json),
        ]
        for request in requests {
            let response = try await transport.send(request)
            #expect(response.status == 200)
        }

        let received = server.requests
        try #require(received.count == requests.count)
        #expect(received.map(\.method) == ["PUT", "DELETE", "DELETE", "PUT", "POST", "PATCH"])
        #expect(received.map(\.path) == requests.map { String($0.url.dropFirst(server.baseURL.count)) })
        #expect(received[0].body == json && received[0].headers["Content-Length"] == String(json.count))
        #expect(received[1].body == json && received[1].headers["Content-Length"] == String(json.count))
        #expect(received[2].body.isEmpty && !received[2].headers.contains("Content-Length"))
        #expect(received[3].body.isEmpty && received[3].headers["Content-Length"] == "0")
        #expect(received[4].body.isEmpty && received[4].headers["Content-Length"] == "0")
        #expect(received[5].body == json)
    }

    @Test("HEAD returns the headers and no body")
    func head() async throws {
        let server = try TestHTTPServer(script: { _ in .text("twelve bytes") })
        defer { server.stop() }

        let response = try await loopbackTransport().send(HTTPRequest(method: .head, url: server.url("/status")))

        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.headers["Content-Length"] == "12")
        #expect(try onlyRequest(server).method == "HEAD")
    }

    @Test("User-Agent: the configured suffix follows the library name; a request's own header wins")
    func userAgent() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }
        let transport = loopbackTransport(userAgentSuffix: "custody-service/2.1")

        _ = try await transport.send(HTTPRequest(method: .get, url: server.url("/a")))
        _ = try await transport.send(HTTPRequest(method: .get, url: server.url("/b"), headers: ["User-Agent": "host-agent/9"]))

        let requests = server.requests
        try #require(requests.count == 2)
        #expect(requests[0].headers["User-Agent"] == CurlTransportConfiguration.libraryUserAgent + " custody-service/2.1")
        #expect(requests[1].headers.values(for: "User-Agent") == ["host-agent/9"])
    }

    @Test("an empty or blank header value is sent as an empty field, not dropped")
    func emptyHeaderValue() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }

        _ = try await loopbackTransport().send(HTTPRequest(method: .get, url: server.url("/"), headers: ["X-Empty": "", "X-Blank": "  "]))

        let request = try onlyRequest(server)
        #expect(request.headers["X-Empty"] == "")
        #expect(request.headers["X-Blank"] == "")
    }

    @Test("every method reuses a kept-alive connection")
    func connectionReuse() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }
        let transport = loopbackTransport()

        _ = try await transport.send(HTTPRequest(method: .get, url: server.url("/1")))
        _ = try await transport.send(HTTPRequest(method: .post, url: server.url("/2"), body: Array("{}".utf8)))
        _ = try await transport.send(HTTPRequest(method: .delete, url: server.url("/3")))

        let requests = server.requests
        try #require(requests.count == 3)
        #expect(requests.allSatisfy { $0.connectionID == requests[0].connectionID })
        #expect(requests.map(\.indexOnConnection) == [0, 1, 2])
    }

    /// The server answers a connection's first request and closes the connection, without a reply,
    /// on its second: the race of a kept-alive connection the server drops just as it is reused.
    private static let dropsSecondRequest: TestHTTPServer.Script = { request in
        request.indexOnConnection == 1 ? .closeWithoutReply : .text("ok")
    }

    @Test("a write whose reused connection closes without a reply is not sent again, whatever its method",
          arguments: [HTTPMethod.post, .put, .patch, .delete])
    func writeNeverResent(method: HTTPMethod) async throws {
        let server = try TestHTTPServer(script: Self.dropsSecondRequest)
        defer { server.stop() }
        let transport = loopbackTransport()
        _ = try await transport.send(HTTPRequest(method: .get, url: server.url("/warm")))

        let body: [UInt8]? = method == .delete ? nil : Array(#"{"amount":"1"}"#.utf8)
        let error = await expectTransportError(.malformedResponse, sending: HTTPRequest(method: method, url: server.url("/write"), body: body),
                                               with: transport)
        #expect(error?.message.contains("not sent again") == true, "\(String(describing: error))")

        let writes = server.requests.filter { $0.path == "/write" }
        #expect(writes.count == 1, "the server received the write \(writes.count) times")
        // The transport is still usable afterwards.
        let after = try await transport.send(HTTPRequest(method: .post, url: server.url("/after"), body: []))
        #expect(after.status == 200)
    }

    @Test("a GET whose reused connection closes without a reply is sent again on a new connection")
    func readResent() async throws {
        let server = try TestHTTPServer(script: Self.dropsSecondRequest)
        defer { server.stop() }
        let transport = loopbackTransport()
        _ = try await transport.send(HTTPRequest(method: .get, url: server.url("/warm")))

        let response = try await transport.send(HTTPRequest(method: .get, url: server.url("/read")))

        #expect(response.status == 200)
        let reads = server.requests.filter { $0.path == "/read" }
        try #require(reads.count == 2)
        #expect(reads[0].connectionID != reads[1].connectionID)
    }
}

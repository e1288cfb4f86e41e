import DfnsClient
import DfnsCurlTransport
import DfnsTestHTTPServer
import Testing

@Suite("CurlTransport: requests that cannot be sent as given")
struct InvalidRequestTests {
    /// Requests the transport must refuse before sending anything.
    static func invalidRequests(base: String) -> [(String, HTTPRequest)] {
        [
            ("ftp scheme", HTTPRequest(method: .get, url: "ftp://127.0.0.1/file")),
            ("file scheme", HTTPRequest(method: .get, url: "file:///etc/passwd")),
            ("relative URL", HTTPRequest(method: .get, url: "/wallets")),
            ("empty URL", HTTPRequest(method: .get, url: "")),
            ("space in URL", HTTPRequest(method: .get, url: base + "/a b")),
            ("CRLF in URL", HTTPRequest(method: .get, url: base + "/a\r\nX-Injected: 1")),
            ("NUL in URL", HTTPRequest(method: .get, url: base + "/a\u{0}b")),
            ("non-ASCII URL", HTTPRequest(method: .get, url: base + "/wallets/é")),
            ("CRLF in header value", HTTPRequest(method: .get, url: base + "/", headers: ["X-A": "1\r\nX-Injected: 2"])),
            ("LF in header value", HTTPRequest(method: .get, url: base + "/", headers: ["X-A": "1\nX-Injected: 2"])),
            ("NUL in header value", HTTPRequest(method: .get, url: base + "/", headers: ["Authorization": "Bearer a\u{0}b"])),
            ("space in header name", HTTPRequest(method: .get, url: base + "/", headers: ["Bad Name": "1"])),
            ("colon in header name", HTTPRequest(method: .get, url: base + "/", headers: ["X:Y": "1"])),
            ("empty header name", HTTPRequest(method: .get, url: base + "/", headers: ["": "1"])),
            ("GET with a body", HTTPRequest(method: .get, url: base + "/", body: [1])),
            ("HEAD with a body", HTTPRequest(method: .head, url: base + "/", body: [])),
            ("wrong Content-Length", HTTPRequest(method: .post, url: base + "/", headers: ["Content-Length": "3"], body: [1, 2])),
            ("Transfer-Encoding", HTTPRequest(method: .post, url: base + "/", headers: ["Transfer-Encoding": "chunked"], body: [1])),
            ("no host", HTTPRequest(method: .get, url: "http:///path")),
            ("port but no host", HTTPRequest(method: .get, url: "http://:8080/path")),
            ("user but no host", HTTPRequest(method: .get, url: "https://user@/path")),
            ("empty IPv6 literal", HTTPRequest(method: .get, url: "http://[]/")),
        ]
    }

    @Test("each is refused with invalidRequest and never reaches the server")
    func refused() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }
        let transport = loopbackTransport()

        for (name, request) in Self.invalidRequests(base: server.baseURL) {
            do {
                let response = try await transport.send(request)
                Issue.record("\(name): expected invalidRequest, got a \(response.status) response")
            } catch {
                #expect(error.kind == .invalidRequest, "\(name): \(error)")
                #expect(!error.message.isEmpty)
            }
        }
        #expect(server.requests.isEmpty)
    }

    @Test("a matching Content-Length header is accepted and sent once")
    func matchingContentLength() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }

        _ = try await loopbackTransport().send(HTTPRequest(method: .post, url: server.url("/"), headers: ["content-length": "2"], body: [7, 8]))

        let request = try onlyRequest(server)
        #expect(request.headers.values(for: "Content-Length") == ["2"])
        #expect(request.body == [7, 8])
    }

    @Test("an upper-case scheme is accepted")
    func upperCaseScheme() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }

        let response = try await loopbackTransport().send(HTTPRequest(method: .get, url: "HTTP://127.0.0.1:\(server.port)/x"))

        #expect(response.status == 200)
    }

    @Test("bad configuration strings are refused with invalidRequest")
    func badConfiguration() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }
        let configurations = [
            CurlTransportConfiguration(userAgentSuffix: "app\r\nX-Injected: 1", proxy: .disabled),
            CurlTransportConfiguration(caBundlePath: "/etc/ssl/a\u{0}b.pem", proxy: .disabled),
            CurlTransportConfiguration(caBundlePath: "", proxy: .disabled),
            CurlTransportConfiguration(proxy: .url("")),
            CurlTransportConfiguration(proxy: .url("http://proxy example:8080")),
        ]
        for configuration in configurations {
            await expectTransportError(.invalidRequest, sending: HTTPRequest(method: .get, url: server.url("/")), with: CurlTransport(configuration: configuration))
        }
        #expect(server.requests.isEmpty)
    }
}

import DfnsClient
import DfnsCurlTransport
import DfnsTestHTTPServer
import Testing

@Suite("CurlTransport: failures are typed transport errors")
struct FailureTests {
    @Test("nothing listening: connectionRefused")
    func connectionRefused() async throws {
        let port = try TestHTTPServer.unusedLoopbackPort()
        let error = await expectTransportError(
            .connectionRefused, sending: HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/"), with: loopbackTransport()
        )
        #expect(error?.message.contains("curl error 7") == true)
    }

    @Test("a host name that cannot be resolved: hostNotFound")
    func hostNotFound() async throws {
        // A 70-character label is longer than DNS allows (63), so the system resolver refuses the
        // name itself, without asking any DNS server: no dependence on the machine's network.
        let host = String(repeating: "a", count: 70) + ".invalid"
        let error = await expectTransportError(
            .hostNotFound, sending: HTTPRequest(method: .get, url: "http://\(host)/"), with: loopbackTransport()
        )
        #expect(error?.message.contains("curl error 6") == true)
    }

    @Test("a server that never answers: timeout (total timeout 1 s)")
    func timeout() async throws {
        let server = try TestHTTPServer(script: { _ in .neverReply })
        defer { server.stop() }

        let error = await expectTransportError(
            .timeout, sending: HTTPRequest(method: .post, url: server.url("/slow"), body: []), with: loopbackTransport(timeout: .seconds(1))
        )
        #expect(error?.message.contains("curl error 28") == true)
        #expect(server.requests.count == 1)
    }

    @Test("a body shorter than its Content-Length: malformedResponse")
    func truncatedBody() async throws {
        let server = try TestHTTPServer(script: { _ in
            .truncated(status: 200, headers: ["Content-Type": "application/json"], sentBody: Array(#"{"items":["#.utf8), declaredLength: 500)
        })
        defer { server.stop() }

        await expectTransportError(.malformedResponse, sending: HTTPRequest(method: .get, url: server.url("/wallets")), with: loopbackTransport())
    }

    @Test("a reply that is not HTTP: malformedResponse")
    func garbage() async throws {
        let server = try TestHTTPServer(script: { _ in .garbage(Array("SSH-2.0-OpenSSH_9.2\r\n\u{1}\u{2}\u{0}garbage\r\n\r\n".utf8)) })
        defer { server.stop() }

        await expectTransportError(.malformedResponse, sending: HTTPRequest(method: .get, url: server.url("/")), with: loopbackTransport())
    }

    @Test("the connection closed without a reply: malformedResponse, and a POST is not re-sent")
    func closedWithoutReply() async throws {
        let server = try TestHTTPServer(script: { _ in .closeWithoutReply })
        defer { server.stop() }

        let error = await expectTransportError(
            .malformedResponse, sending: HTTPRequest(method: .post, url: server.url("/auth/action"), body: Array("{}".utf8)), with: loopbackTransport()
        )
        #expect(error?.message.contains("curl error 52") == true)
        #expect(server.requests.count == 1)
    }

    @Test("a declared body over the limit: responseTooLarge")
    func declaredBodyTooLarge() async throws {
        let server = try TestHTTPServer(script: { _ in .largeBody(status: 200, size: 256 * 1024, declaresLength: true) })
        defer { server.stop() }

        await expectTransportError(
            .responseTooLarge, sending: HTTPRequest(method: .get, url: server.url("/big")), with: loopbackTransport(maximumResponseBodySize: 1024)
        )
    }

    @Test("an undeclared (close-delimited) body over the limit: responseTooLarge")
    func streamedBodyTooLarge() async throws {
        let server = try TestHTTPServer(script: { _ in .largeBody(status: 200, size: 256 * 1024, declaresLength: false) })
        defer { server.stop() }

        let error = await expectTransportError(
            .responseTooLarge, sending: HTTPRequest(method: .get, url: server.url("/big")), with: loopbackTransport(maximumResponseBodySize: 1024)
        )
        #expect(error?.message.contains("1024") == true)
    }

    @Test("response header lines over their limit: responseTooLarge")
    func headersTooLarge() async throws {
        let server = try TestHTTPServer(script: { _ in
            .respond(status: 200, headers: ["X-Large": String(repeating: "h", count: 2000)], body: [])
        })
        defer { server.stop() }
        let transport = CurlTransport(configuration: CurlTransportConfiguration(maximumResponseHeaderSize: 1024, proxy: .disabled))

        let error = await expectTransportError(.responseTooLarge, sending: HTTPRequest(method: .get, url: server.url("/")), with: transport)
        #expect(error?.message.contains("header") == true)
    }

    @Test("a body over the default 16 MiB limit: responseTooLarge")
    func defaultLimit() async throws {
        let server = try TestHTTPServer(script: { _ in .largeBody(status: 200, size: 16 * 1024 * 1024 + 1, declaresLength: false) })
        defer { server.stop() }

        await expectTransportError(.responseTooLarge, sending: HTTPRequest(method: .get, url: server.url("/huge")), with: loopbackTransport())
    }

    @Test("https to a server that does not speak TLS: tls")
    func tlsHandshakeFailure() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }

        await expectTransportError(
            .tls, sending: HTTPRequest(method: .get, url: "https://127.0.0.1:\(server.port)/"), with: loopbackTransport(timeout: .seconds(20))
        )
        #expect(server.requests.isEmpty)
    }

    @Test("a CA bundle path that does not exist: tls, nothing sent")
    func missingCABundle() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }
        let transport = CurlTransport(configuration: CurlTransportConfiguration(
            caBundlePath: "/nonexistent/dfns-bridge-test/ca.pem", proxy: .disabled
        ))

        await expectTransportError(.tls, sending: HTTPRequest(method: .get, url: "https://127.0.0.1:\(server.port)/"), with: transport)
        #expect(server.requests.isEmpty)
    }
}

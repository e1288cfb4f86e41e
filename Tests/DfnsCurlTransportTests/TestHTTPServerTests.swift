import DfnsClient
import DfnsCurlTransport
import DfnsTestHTTPServer
import Testing

@Suite("TestHTTPServer")
struct TestHTTPServerTests {
    @Test("stop() ends held and kept-alive connections, frees the port, and may be called again")
    func stopEndsEverything() async throws {
        let (arrivals, arrival) = AsyncStream<Void>.makeStream()
        let server = try TestHTTPServer(script: { request in
            if request.path == "/hold" {
                arrival.yield()
                return .neverReply
            }
            return .text("ok")
        })
        let transport = loopbackTransport(timeout: .seconds(600))
        // A kept-alive connection, idle in the transport's pool.
        _ = try await transport.send(HTTPRequest(method: .get, url: server.url("/first")))
        // A connection the server holds without answering.
        let held = Task { () async -> TransportError.Kind? in
            do throws(TransportError) {
                _ = try await transport.send(HTTPRequest(method: .post, url: server.url("/hold"), body: []))
                return nil
            } catch {
                return error.kind
            }
        }
        var iterator = arrivals.makeAsyncIterator()
        _ = await iterator.next()

        server.stop()
        server.stop()

        // The held request saw its connection end without a reply.
        #expect(await held.value == .malformedResponse)
        await expectTransportError(.connectionRefused, sending: HTTPRequest(method: .get, url: server.url("/after")), with: loopbackTransport())
        #expect(server.requests.map(\.path) == ["/first", "/hold"])
    }

    @Test("two servers get different system-chosen ports")
    func distinctPorts() throws {
        let first = try TestHTTPServer(script: okScript)
        let second = try TestHTTPServer(script: okScript)
        defer {
            first.stop()
            second.stop()
        }
        #expect(first.port != 0 && second.port != 0)
        #expect(first.port != second.port)
        #expect(first.baseURL == "http://127.0.0.1:\(first.port)")
    }
}

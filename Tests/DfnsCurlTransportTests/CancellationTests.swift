import DfnsClient
import DfnsCurlTransport
import DfnsTestHTTPServer
import Testing

@Suite("CurlTransport: task cancellation")
struct CancellationTests {
    @Test("cancelling the task aborts a transfer waiting for a reply: cancelled")
    func cancelWhileWaiting() async throws {
        let (arrivals, arrival) = AsyncStream<Void>.makeStream()
        let server = try TestHTTPServer(script: { _ in
            arrival.yield()
            return .neverReply
        })
        defer { server.stop() }
        // A total timeout far longer than any test run, so only cancellation can end the transfer.
        let transport = loopbackTransport(timeout: .seconds(600))

        let task = Task { () async -> Result<HTTPResponse, TransportError> in
            do throws(TransportError) {
                return .success(try await transport.send(HTTPRequest(method: .post, url: server.url("/hold"), body: [])))
            } catch {
                return .failure(error)
            }
        }
        // The request has reached the server: the transfer is inside curl_easy_perform.
        var iterator = arrivals.makeAsyncIterator()
        _ = await iterator.next()
        task.cancel()

        switch await task.value {
        case .success(let response):
            Issue.record("expected cancellation, got a \(response.status) response")
        case .failure(let error):
            #expect(error.kind == .cancelled, "\(error)")
        }
        #expect(server.requests.count == 1)
    }

    @Test("a task cancelled before sending: cancelled, nothing sent")
    func cancelledBeforeSending() async throws {
        let server = try TestHTTPServer(script: okScript)
        defer { server.stop() }
        let transport = loopbackTransport()

        let task = Task { () async -> Result<HTTPResponse, TransportError> in
            withUnsafeCurrentTask { $0?.cancel() }
            do throws(TransportError) {
                return .success(try await transport.send(HTTPRequest(method: .get, url: server.url("/"))))
            } catch {
                return .failure(error)
            }
        }

        switch await task.value {
        case .success(let response):
            Issue.record("expected cancellation, got a \(response.status) response")
        case .failure(let error):
            #expect(error.kind == .cancelled, "\(error)")
        }
        #expect(server.requests.isEmpty)
    }

    @Test("the transport still works after a cancelled transfer")
    func usableAfterCancellation() async throws {
        let (arrivals, arrival) = AsyncStream<Void>.makeStream()
        let server = try TestHTTPServer(script: { request in
            if request.path == "/hold" {
                arrival.yield()
                return .neverReply
            }
            return .text("fine")
        })
        defer { server.stop() }
        let transport = loopbackTransport(timeout: .seconds(600))

        let task = Task { () async -> TransportError.Kind? in
            do throws(TransportError) {
                _ = try await transport.send(HTTPRequest(method: .get, url: server.url("/hold")))
                return nil
            } catch {
                return error.kind
            }
        }
        var iterator = arrivals.makeAsyncIterator()
        _ = await iterator.next()
        task.cancel()
        #expect(await task.value == .cancelled)

        let response = try await transport.send(HTTPRequest(method: .get, url: server.url("/after")))
        #expect(response.body == Array("fine".utf8))
    }
}

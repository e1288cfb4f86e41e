import DfnsClient
import DfnsCurlTransport
import DfnsTestHTTPServer
import Testing

@Suite("CurlTransport: concurrent use")
struct ConcurrencyTests {
    @Test("8 concurrent requests on one transport each get their own response")
    func eightConcurrentRequests() async throws {
        let server = try TestHTTPServer(script: { request in
            .respond(status: 200, headers: ["X-Path": request.path], body: request.body + Array(request.path.utf8))
        })
        defer { server.stop() }
        let transport = loopbackTransport()

        let outcomes = await withTaskGroup(of: (Int, Result<HTTPResponse, TransportError>).self) { group in
            for index in 0..<8 {
                group.addTask {
                    let method: HTTPMethod = index % 2 == 0 ? .post : .get
                    let body: [UInt8]? = method == .post ? Array(#"{"n":\#(index)}"#.utf8) : nil
                    do throws(TransportError) {
                        let response = try await transport.send(HTTPRequest(method: method, url: server.url("/item/\(index)"), body: body))
                        return (index, .success(response))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var outcomes: [Int: Result<HTTPResponse, TransportError>] = [:]
            for await (index, outcome) in group {
                outcomes[index] = outcome
            }
            return outcomes
        }

        #expect(outcomes.count == 8)
        for index in 0..<8 {
            let response = try #require(try outcomes[index]?.get())
            let expectedBody = (index % 2 == 0 ? Array(#"{"n":\#(index)}"#.utf8) : []) + Array("/item/\(index)".utf8)
            #expect(response.status == 200)
            #expect(response.headers["X-Path"] == "/item/\(index)")
            #expect(response.body == expectedBody)
        }
        #expect(Set(server.requests.map(\.path)) == Set((0..<8).map { "/item/\($0)" }))
    }
}

import DfnsClient
import DfnsCurlTransport
import DfnsTestHTTPServer
import Testing

/// A transport for the loopback server: a direct connection (a proxy from the machine's
/// environment would be wrong for 127.0.0.1), the default limits unless a test changes them.
func loopbackTransport(
    timeout: Duration = .seconds(30),
    maximumResponseBodySize: Int = 16 * 1024 * 1024,
    userAgentSuffix: String? = nil
) -> CurlTransport {
    CurlTransport(configuration: CurlTransportConfiguration(
        timeout: timeout,
        userAgentSuffix: userAgentSuffix,
        maximumResponseBodySize: maximumResponseBodySize,
        proxy: .disabled
    ))
}

/// Answers every request with 200 and a fixed body.
let okScript: TestHTTPServer.Script = { _ in .text("ok") }

/// Answers every request with 200 and the request body as the response body.
let echoScript: TestHTTPServer.Script = { request in
    .respond(status: 200, headers: ["Content-Type": "application/octet-stream"], body: request.body)
}

/// Sends `request` and records an issue unless it fails with a transport error of `kind`. Returns
/// the error, if there was one.
@discardableResult
func expectTransportError(
    _ kind: TransportError.Kind,
    sending request: HTTPRequest,
    with transport: CurlTransport,
    sourceLocation: SourceLocation = #_sourceLocation
) async -> TransportError? {
    do {
        let response = try await transport.send(request)
        Issue.record("expected a \(kind) transport error, got a \(response.status) response", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        return error
    }
}

/// The only request the server received; records an issue when there is not exactly one.
func onlyRequest(_ server: TestHTTPServer, sourceLocation: SourceLocation = #_sourceLocation) throws -> RecordedRequest {
    let requests = server.requests
    #expect(requests.count == 1, "the server received \(requests.count) requests", sourceLocation: sourceLocation)
    return try #require(requests.first, sourceLocation: sourceLocation)
}

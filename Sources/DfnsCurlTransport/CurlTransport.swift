import DfnsClient

/// The default ``Transport``: HTTP/1.1 and HTTP/2 over libcurl's easy interface, on the system's
/// OpenSSL.
///
/// - **TLS** verification is always on (peer chain and host name), TLS 1.2 or later; the trust
///   store is the system's, or ``CurlTransportConfiguration/caBundlePath``.
/// - **Timeouts**: a connect timeout (default 10 s) and a total timeout (default 30 s) per request.
/// - **User-Agent**: `dfns-bridge/<version>`, plus an optional suffix (the Dfns API requires a
///   non-empty one).
/// - **Proxies** come from the environment (`http_proxy`, `https_proxy`, `all_proxy`, `no_proxy`,
///   read by libcurl itself) unless the configuration says otherwise.
/// - **Bounded**: the response body (default 16 MiB) and the header lines (256 KiB) have limits;
///   only `http` and `https` URLs are accepted, and redirects are never followed (a 3xx is returned
///   as a response).
/// - **Exact**: the body is sent byte for byte with its `Content-Length`, without an
///   `Expect: 100-continue` round trip, and no `Content-Type` is invented; no request other than a
///   `GET` or `HEAD` is ever sent twice (see ``CurlTransportConfiguration/maximumIdleHandles``).
///
/// Each request runs on a thread of its own, outside Swift's cooperative thread pool, since
/// `curl_easy_perform` blocks; the calling task is suspended meanwhile. Cancelling the task aborts the
/// transfer (within about a second) and ``send(_:)`` throws ``TransportError/Kind/cancelled``.
/// One transport may be shared by any number of concurrent tasks; idle connections are kept for
/// reuse by later requests.
public final class CurlTransport: Transport {
    /// The settings this transport applies to every request.
    public let configuration: CurlTransportConfiguration
    private let pool: CurlHandlePool
    /// Why ``configuration`` cannot be used, checked once (it is immutable): every request fails with it.
    private let configurationProblem: TransportError?

    /// A transport with `configuration` (by default, the defaults documented on
    /// ``CurlTransportConfiguration``).
    public init(configuration: CurlTransportConfiguration = CurlTransportConfiguration()) {
        self.configuration = configuration
        pool = CurlHandlePool(capacity: configuration.maximumIdleHandles)
        do throws(TransportError) {
            try configuration.validate()
            configurationProblem = nil
        } catch {
            configurationProblem = error
        }
    }

    /// Sends `request` and returns the response, whatever its status; throws a ``TransportError``
    /// when no complete response arrived, when the request is invalid (nothing is sent then), or
    /// when the task is cancelled.
    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        try CurlGlobal.ensureInitialized()
        if let configurationProblem { throw configurationProblem }
        let prepared = try PreparedRequest(request)
        let cancellation = TransferCancellation()
        let transfer = CurlTransfer(request: prepared, configuration: configuration, pool: pool, cancellation: cancellation)

        let result: Result<HTTPResponse, TransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let started = TransferThread.start {
                    continuation.resume(returning: transfer.run())
                }
                if !started {
                    continuation.resume(returning: .failure(TransportError(.other, "could not start a thread for the transfer")))
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }
}

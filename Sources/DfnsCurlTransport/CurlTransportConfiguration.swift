internal import CDfnsBridgeAPI
import DfnsClient

/// The settings of a ``CurlTransport``. Every default is the safe one: TLS verification cannot be
/// turned off at all.
public struct CurlTransportConfiguration: Sendable, Hashable {
    /// Where the transport finds an HTTP proxy.
    public enum Proxy: Sendable, Hashable {
        /// libcurl's own rule (the default): the `http_proxy`, `https_proxy` (or `HTTPS_PROXY`),
        /// `all_proxy` and `no_proxy` environment variables, read at each request. Nothing in the
        /// transport disables this.
        case environment
        /// Connect directly, ignoring proxy environment variables (for loopback servers, for
        /// example a local sandbox, where a proxy from the environment would be wrong).
        case disabled
        /// Always use this proxy URL (`http://host:port`, `https://host:port`, `socks5h://host:port`;
        /// credentials may be embedded). `no_proxy` still applies.
        case url(String)
    }

    /// The longest the transport waits for a connection (TCP and TLS handshakes, proxy included).
    /// Default 10 seconds. Values are rounded up to whole milliseconds and clamped to
    /// 1 ms ... about 24.8 days (`Int32.max` ms).
    public var connectTimeout: Duration
    /// The longest one whole exchange may take, connection included. Default 30 seconds (what the
    /// Go, Python and Rust Dfns SDKs use). Clamped like ``connectTimeout``.
    public var timeout: Duration
    /// A PEM file of CA certificates to trust instead of the system bundle (`CURLOPT_CAINFO`), or
    /// `nil` for the system's: `SSL_CERT_FILE` or `SSL_CERT_DIR` when set, else libcurl's default
    /// when it exists (on Debian, `/etc/ssl/certs/ca-certificates.crt`), else the first bundle found
    /// where Linux distributions keep theirs (see `CurlTrustStore`). Peer and host name
    /// verification stay on either way.
    public var caBundlePath: String?
    /// Appended to the `User-Agent` after a space, e.g. `my-service/1.4`, or `nil`. A request that
    /// carries its own `User-Agent` header sends that instead.
    public var userAgentSuffix: String?
    /// The largest response body accepted, in bytes; a larger one aborts the exchange with
    /// ``TransportError/Kind/responseTooLarge``. Default 16 MiB. Response header lines are bounded
    /// separately, by ``maximumResponseHeaderSize``.
    public var maximumResponseBodySize: Int
    /// The largest total size of the response's header lines (every block, status lines included),
    /// in bytes. Default 256 KiB.
    public var maximumResponseHeaderSize: Int
    /// Where to find an HTTP proxy. Default ``Proxy/environment``.
    public var proxy: Proxy
    /// How many idle libcurl handles (each with its open connections, TLS sessions and DNS cache)
    /// the transport keeps for later requests. Default 8; 0 opens a new connection for every request.
    /// Every method reuses a kept-alive connection. libcurl re-sends a request by itself when its
    /// reused connection closes before any reply; the transport allows that for `GET` and `HEAD`
    /// only, so a write is never sent twice (it fails with
    /// ``TransportError/Kind/malformedResponse`` instead, since the server may have applied it).
    public var maximumIdleHandles: Int

    /// A configuration; each argument defaults to the value documented on its property.
    public init(
        connectTimeout: Duration = .seconds(10),
        timeout: Duration = .seconds(30),
        caBundlePath: String? = nil,
        userAgentSuffix: String? = nil,
        maximumResponseBodySize: Int = 16 * 1024 * 1024,
        maximumResponseHeaderSize: Int = 256 * 1024,
        proxy: Proxy = .environment,
        maximumIdleHandles: Int = 8
    ) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.caBundlePath = caBundlePath
        self.userAgentSuffix = userAgentSuffix
        self.maximumResponseBodySize = maximumResponseBodySize
        self.maximumResponseHeaderSize = maximumResponseHeaderSize
        self.proxy = proxy
        self.maximumIdleHandles = maximumIdleHandles
    }

    /// `dfns-bridge/<version>`: the library's name and version. The version is
    /// `DFNS_BRIDGE_VERSION_STRING` of `include/dfns_bridge.h`, the one place the version is written.
    public static var libraryUserAgent: String {
        "dfns-bridge/" + DFNS_BRIDGE_VERSION_STRING
    }

    /// The `User-Agent` this configuration sends: ``libraryUserAgent``, then ``userAgentSuffix``
    /// after a space when it is set and not empty.
    public var userAgent: String {
        guard let userAgentSuffix, !userAgentSuffix.isEmpty else { return Self.libraryUserAgent }
        return Self.libraryUserAgent + " " + userAgentSuffix
    }
}

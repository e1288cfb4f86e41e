/// A Dfns API base URL: scheme, authority and an optional path prefix (a gateway's `/dfns`, say),
/// for any region or white-label host. The prefix is sent but never signed (reference/dfns-protocol.md
/// §1.1, §15.5).
public struct BaseURL: Sendable, Equatable, CustomStringConvertible {
    /// `https` or `http`.
    public let scheme: String
    /// `host[:port]`, as given.
    public let authority: String
    /// The host alone (brackets kept for IPv6).
    public let host: String
    /// The path prefix without a trailing `/`, or `""`.
    public let pathPrefix: String

    /// The production API.
    public static let production = BaseURL(scheme: "https", authority: "api.dfns.io", host: "api.dfns.io", pathPrefix: "")

    private init(scheme: String, authority: String, host: String, pathPrefix: String) {
        self.scheme = scheme
        self.authority = authority
        self.host = host
        self.pathPrefix = pathPrefix
    }

    /// Parses `text`, e.g. `https://api.dfns.io`, `https://gateway.example.com/dfns/`,
    /// `http://127.0.0.1:8080`. `http` is accepted only for loopback hosts unless
    /// `allowInsecureHTTP` is set. A query, fragment, user info or empty host is refused.
    public init(_ text: String, allowInsecureHTTP: Bool = false) throws(DfnsError) {
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else {
            throw .invalidArgument("the base URL must start with https:// (or http:// for a loopback sandbox)")
        }
        let rest = text.dropFirst(scheme.count + 3)
        guard !rest.contains(where: { $0 == "?" || $0 == "#" || $0 == "@" || $0 == "\\" || $0.isWhitespace }) else {
            throw .invalidArgument("the base URL may not carry a query, a fragment, user info or spaces")
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        var prefix = String(rest[slash...])
        while prefix.hasSuffix("/") { prefix.removeLast() }
        guard !authority.isEmpty else { throw .invalidArgument("the base URL has no host") }
        let host: String
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidArgument("the base URL has an unterminated IPv6 host") }
            host = String(authority[...close])
        } else {
            host = String(authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0])
        }
        guard !host.isEmpty else { throw .invalidArgument("the base URL has no host") }
        if scheme == "http" && !allowInsecureHTTP && !BaseURL.isLoopback(host) {
            throw .invalidArgument("http:// is allowed only for loopback hosts; use https://")
        }
        self.init(scheme: scheme, authority: authority, host: host, pathPrefix: prefix)
    }

    /// The absolute URL for `path` (which starts with `/` and may carry a query).
    public func url(for path: String) -> String {
        scheme + "://" + authority + pathPrefix + path
    }

    public var description: String { scheme + "://" + authority + pathPrefix }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "[::1]" || h.hasPrefix("127.")
    }
}

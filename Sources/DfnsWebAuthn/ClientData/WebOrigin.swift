/// The serialization of a configured web origin (RFC 6454 §6.2, as browsers write it into
/// clientDataJSON): scheme and host in lower case, the scheme's default port left out, no trailing
/// `/`. A relying party's configuration often says `https://Example.org:443/` or
/// `http://localhost:8100/`; the browser sends `https://example.org` and `http://localhost:8100`.
///
/// Only the configured side is normalised: the origin a client sends is compared exactly with it,
/// so a client that writes an origin in any other form is still refused. The two opt-ins of
/// ``OriginMatching`` (subdomains, any loopback port) also only accept a sent origin that is
/// already in serialized form.
enum WebOrigin {
    /// An `http`/`https` origin taken apart: lower-case scheme and host (IPv6 hosts keep their
    /// brackets), and the port, nil for the scheme's default.
    struct Parts: Equatable {
        /// `http` or `https`.
        let scheme: String
        /// The host in lower case: a domain name, an IPv4 literal or a bracketed IPv6 literal.
        let host: String
        /// The port when it is not the scheme's default.
        let port: Int?

        /// `scheme://host[:port]`.
        var serialization: String {
            scheme + "://" + host + (port.map { ":" + String($0) } ?? "")
        }

        /// Whether the host is a loopback name or literal: `localhost`, `127.0.0.1` or `[::1]`.
        var isLoopback: Bool { host == "localhost" || host == "127.0.0.1" || host == "[::1]" }

        /// Whether the host is an IP literal (IPv4 dotted digits or bracketed IPv6), which has no
        /// subdomains.
        var isIPLiteral: Bool {
            host.hasPrefix("[") || host.split(separator: ".", omittingEmptySubsequences: false)
                .allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        }
    }

    /// `origin` taken apart, or nil when it is not an `http`/`https` origin or carries anything an
    /// origin has not: user info, a path other than `/`, a query or a fragment, a bad port.
    static func parts(of origin: String) -> Parts? {
        guard let separator = origin.firstRange(of: "://") else { return nil }
        let scheme = origin[..<separator.lowerBound].lowercased()
        let defaultPort: Int
        switch scheme {
        case "https": defaultPort = 443
        case "http": defaultPort = 80
        default: return nil
        }
        var rest = Substring(origin[separator.upperBound...])
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains(where: { "/?#@\\ ".contains($0) }) else { return nil }
        var host = rest
        var portText: Substring? = nil
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[...close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII }) else { return nil }
        var port: Int? = nil
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(portText), value > 0, value <= 65535 else { return nil }
            if value != defaultPort { port = value }
        }
        return Parts(scheme: scheme, host: host.lowercased(), port: port)
    }

    /// The serialized form of `configured`, or nil when it is not an `http`/`https` origin (other
    /// origins, such as `android:apk-key-hash:…`, are compared as given) or not a plain origin.
    static func serialization(of configured: String) -> String? {
        parts(of: configured)?.serialization
    }

    /// Whether `origin`, as a client sent it, is one of `configured`: equal to one as given, or to
    /// the serialization of one; or, with the opt-ins of `matching`, a subdomain of one or the
    /// same loopback host on another port.
    static func isAllowed(_ origin: String, among configured: [String], matching: OriginMatching = OriginMatching()) -> Bool {
        if configured.contains(origin) || configured.contains(where: { serialization(of: $0) == origin }) { return true }
        guard matching.allowSubdomains || matching.allowAnyLoopbackPort else { return false }
        // The relaxed rules read a sent origin only in its exact serialized form.
        guard let sent = parts(of: origin), sent.serialization == origin else { return false }
        return configured.contains { entry in
            guard let allowed = parts(of: entry), allowed.scheme == sent.scheme else { return false }
            if matching.allowAnyLoopbackPort, allowed.isLoopback, sent.host == allowed.host { return true }
            if matching.allowSubdomains, sent.port == allowed.port, isSubdomain(sent.host, of: allowed) { return true }
            return false
        }
    }

    /// Whether `host` is a strict subdomain of the domain name `parent.host`, at any depth:
    /// `login.example.org` and `a.b.example.org` of `example.org`, never `badexample.org`,
    /// `example.org.evil.com`, nor anything of an IP literal.
    static func isSubdomain(_ host: String, of parent: Parts) -> Bool {
        guard !parent.isIPLiteral, !host.hasPrefix("["), host.hasSuffix("." + parent.host) else { return false }
        let labels = host.dropLast(parent.host.count + 1).split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }
}

/// How far an allowed origin reaches beyond its own serialization: both opt-ins are off by default.
struct OriginMatching: Sendable {
    /// A configured `https://example.org` also accepts `https://login.example.org` (any depth,
    /// same scheme and port).
    var allowSubdomains = false
    /// A configured loopback origin (`http://localhost`, `http://127.0.0.1:3000`, `http://[::1]`)
    /// accepts the same scheme and host on any port.
    var allowAnyLoopbackPort = false
}

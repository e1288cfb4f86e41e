/// The serialization of a configured web origin (RFC 6454 §6.2, as browsers write it into
/// clientDataJSON): scheme and host in lower case, the scheme's default port left out, no trailing
/// `/`. A relying party's configuration often says `https://Example.org:443/` or
/// `http://localhost:8100/`; the browser sends `https://example.org` and `http://localhost:8100`.
///
/// Only the configured side is normalised: the origin a client sends is compared exactly with it,
/// so a client that writes an origin in any other form is still refused.
enum WebOrigin {
    /// The serialized form of `configured`, or nil when it is not an `http`/`https` origin (other
    /// origins, such as `android:apk-key-hash:…`, are compared as given) or carries anything an
    /// origin has not: user info, a path other than `/`, a query or a fragment, a bad port.
    static func serialization(of configured: String) -> String? {
        guard let separator = configured.firstRange(of: "://") else { return nil }
        let scheme = configured[..<separator.lowerBound].lowercased()
        let defaultPort: Int
        switch scheme {
        case "https": defaultPort = 443
        case "http": defaultPort = 80
        default: return nil
        }
        var rest = Substring(configured[separator.upperBound...])
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
        var serialized = scheme + "://" + host.lowercased()
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let port = Int(portText), port > 0, port <= 65535 else { return nil }
            if port != defaultPort { serialized += ":" + String(port) }
        }
        return serialized
    }

    /// Whether `origin`, as a client sent it, is one of `configured`: equal to one as given, or to
    /// the serialization of one.
    static func isAllowed(_ origin: String, among configured: [String]) -> Bool {
        configured.contains(origin) || configured.contains { serialization(of: $0) == origin }
    }
}

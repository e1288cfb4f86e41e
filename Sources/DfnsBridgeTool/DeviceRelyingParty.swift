/// Checks `--rp-id` against `--origin` as a browser does before it lets a page create or use a
/// passkey: the origin is `http(s)://host[:port]`, and the RP ID is its host or a parent domain of
/// it. A mismatch would otherwise only show as a rejection by the server.
enum DeviceRelyingParty {
    static func check(rpId: String, origin: String) throws(ToolError) {
        guard !rpId.isEmpty else {
            throw ToolError(code: "invalid_argument", message: "--rp-id is empty")
        }
        let scheme: Substring
        let rest: Substring
        if origin.hasPrefix("https://") {
            (scheme, rest) = ("https", origin.dropFirst(8))
        } else if origin.hasPrefix("http://") {
            (scheme, rest) = ("http", origin.dropFirst(7))
        } else {
            throw ToolError(code: "invalid_argument", message: "--origin \(origin) is not an http(s) origin such as https://app.example.com")
        }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("?"), !rest.contains("#"), !rest.contains("@") else {
            throw ToolError(code: "invalid_argument", message: "--origin \(origin) is not scheme://host[:port] (an origin has no path, not even a trailing /)")
        }
        let host: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw ToolError(code: "invalid_argument", message: "--origin \(origin) has an unterminated IPv6 address")
            }
            host = rest[rest.startIndex...close]
        } else {
            host = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
        }
        let lowerHost = host.lowercased()
        let lowerRpId = rpId.lowercased()
        guard !lowerHost.isEmpty, lowerHost == lowerRpId || lowerHost.hasSuffix("." + lowerRpId) else {
            throw ToolError(code: "invalid_argument", message: "--rp-id \(rpId) is neither the host of --origin \(origin) nor a parent domain of it (\(scheme) origin host: \(host))")
        }
    }
}

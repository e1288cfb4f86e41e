import DfnsEncoding

/// The path a user action is bound to (reference/dfns-protocol.md §1.5): the request path with its
/// parameters substituted, without the query string or fragment and without the base URL's path
/// prefix (a gateway deployment's `/dfns`, say). The query is still sent on the real request; it is
/// just not part of what is signed.
public enum CanonicalPath {
    /// The canonical form of `path` (which may carry a query), or nil when `path` does not start
    /// with `/`, or when `prefix` is given and `path` does not lie under it.
    ///
    /// - Parameters:
    ///   - path: a path as sent, e.g. `/dfns/wallets?limit=10`.
    ///   - prefix: the base URL's path prefix, e.g. `/dfns` (empty or `/` for none).
    public static func of(_ path: String, removingPrefix prefix: String = "") -> String? {
        var bare = Substring(path)
        if let cut = bare.firstIndex(where: { $0 == "?" || $0 == "#" }) { bare = bare[..<cut] }
        guard bare.hasPrefix("/") else { return nil }
        let normalizedPrefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        if !normalizedPrefix.isEmpty {
            guard bare.hasPrefix(normalizedPrefix) else { return nil }
            let rest = bare.dropFirst(normalizedPrefix.count)
            guard rest.isEmpty || rest.hasPrefix("/") else { return nil }
            bare = rest.isEmpty ? "/" : rest
        }
        return String(bare)
    }

    /// The query of `path` (without `?`), or nil when it has none.
    public static func query(of path: String) -> String? {
        guard let mark = path.firstIndex(of: "?") else { return nil }
        var query = path[path.index(after: mark)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        return String(query)
    }

    /// `segment` percent-encoded for use as one path segment (an id substituted into a path
    /// template): everything but RFC 3986 unreserved characters is escaped, so an id can never add a
    /// segment or a query to the signed path.
    public static func escapeSegment(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + Hex.encode(integer: byte).uppercased()
            }
        }
        return out
    }
}

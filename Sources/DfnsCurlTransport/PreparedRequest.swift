import DfnsClient

/// An ``HTTPRequest`` checked and turned into what libcurl is given: the URL, header lines and body,
/// each free of anything libcurl would misread (a NUL would cut a C string short; a CR or LF in a
/// header would inject another header).
///
/// Building one never traps: every problem is a ``TransportError`` of kind
/// ``TransportError/Kind/invalidRequest``, thrown before anything is sent.
struct PreparedRequest: Sendable {
    /// The request method.
    let method: HTTPMethod
    /// The absolute `http` or `https` URL, printable ASCII.
    let url: String
    /// `Name: value` lines for `CURLOPT_HTTPHEADER`, in request order, followed by the lines that
    /// switch off libcurl's own additions (`Expect:`, and `Content-Type:` for a body without one).
    let headerLines: [String]
    /// The bytes to send, or `nil` to send no body (and no `Content-Length`).
    let body: [UInt8]?

    /// Checks `request` and prepares it.
    init(_ request: HTTPRequest) throws(TransportError) {
        method = request.method
        url = try Self.checkedURL(request.url)

        if request.body != nil && !request.method.permitsRequestBody {
            throw TransportError(.invalidRequest, "a \(request.method) request cannot carry a body")
        }
        // POST, PUT and PATCH always send a body, empty when none is given, so that the request has
        // a Content-Length (servers may answer 411 without one). A body-less DELETE sends none.
        let body: [UInt8]?
        switch request.method {
        case .post, .put, .patch: body = request.body ?? []
        case .get, .head, .delete: body = request.body
        }
        self.body = body

        var lines: [String] = []
        lines.reserveCapacity(request.headers.count + 2)
        for field in request.headers {
            try Self.checkName(field.name)
            try Self.checkValue(field.value, of: field.name)
            if HTTPHeaders.namesMatch(field.name, "Content-Length") {
                // The transport sets Content-Length from the body; a matching one is redundant, a
                // different one would make the request lie about its size.
                // A body-less request has length 0, so "Content-Length: 0" is accepted there too.
                guard field.value == String(body?.count ?? 0) else {
                    throw TransportError(
                        .invalidRequest,
                        "header Content-Length: \(field.value) does not match the body of \(body?.count ?? 0) bytes"
                    )
                }
                continue
            }
            if HTTPHeaders.namesMatch(field.name, "Transfer-Encoding") {
                throw TransportError(.invalidRequest, "header Transfer-Encoding is not supported: the body is sent with a Content-Length")
            }
            // libcurl reads "Name:" (nothing but whitespace after the colon) as "remove this header"
            // and "Name;" as "send it empty".
            let blank = field.value.utf8.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            lines.append(blank ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        // No "Expect: 100-continue" round trip before the body (libcurl adds it to large bodies).
        if !request.headers.contains("Expect") {
            lines.append("Expect:")
        }
        // With a body, libcurl would otherwise label it application/x-www-form-urlencoded.
        if body != nil && !request.headers.contains("Content-Type") {
            lines.append("Content-Type:")
        }
        headerLines = lines
    }

    /// `url` when it is an absolute http or https URL of printable ASCII (already percent-encoded).
    private static func checkedURL(_ url: String) throws(TransportError) -> String {
        let bytes = Array(url.utf8)
        guard hasPrefix(bytes, "http://") || hasPrefix(bytes, "https://") else {
            throw TransportError(.invalidRequest, "only absolute http:// and https:// URLs can be sent, not \"\(printable(url))\"")
        }
        for byte in bytes where byte <= 0x20 || byte >= 0x7F {
            throw TransportError(
                .invalidRequest,
                "the URL contains a byte 0x\(hex(byte)) that is not printable ASCII (percent-encode it): \"\(printable(url))\""
            )
        }
        guard hasHost(bytes) else {
            // libcurl would read "http:///path" as the host "path".
            throw TransportError(.invalidRequest, "the URL has no host: \"\(printable(url))\"")
        }
        return url
    }

    /// Whether the authority after `://` names a host (not empty once user information and port
    /// are set aside).
    private static func hasHost(_ bytes: [UInt8]) -> Bool {
        guard let schemeEnd = bytes.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let authorityStart = schemeEnd + 3
        guard authorityStart <= bytes.count else { return false }
        let rest = bytes[authorityStart...]
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.endIndex
        var host = bytes[authorityStart..<authorityEnd]
        if let at = host.lastIndex(of: UInt8(ascii: "@")) {
            host = host[host.index(after: at)...]
        }
        if host.first == UInt8(ascii: "[") {
            // An IPv6 literal: its colons are not a port separator.
            guard let close = host.firstIndex(of: UInt8(ascii: "]")) else { return false }
            return close > host.index(after: host.startIndex)
        }
        if let colon = host.firstIndex(of: UInt8(ascii: ":")) {
            host = host[..<colon]
        }
        return !host.isEmpty
    }

    /// Header names are RFC 9110 tokens.
    private static func checkName(_ name: String) throws(TransportError) {
        guard !name.isEmpty else {
            throw TransportError(.invalidRequest, "a header has an empty name")
        }
        for byte in name.utf8 where !isTokenByte(byte) {
            throw TransportError(.invalidRequest, "header name \"\(printable(name))\" contains byte 0x\(hex(byte)), which is not allowed in a name")
        }
    }

    /// Header values hold visible characters, spaces, tabs and non-ASCII bytes; no other control
    /// byte (a CR or LF would start a new header line; a NUL would end the C string).
    private static func checkValue(_ value: String, of name: String) throws(TransportError) {
        for byte in value.utf8 where (byte < 0x20 && byte != 0x09) || byte == 0x7F {
            throw TransportError(.invalidRequest, "the value of header \(printable(name)) contains control byte 0x\(hex(byte))")
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: String) -> Bool {
        let prefixBytes = Array(prefix.utf8)
        guard bytes.count >= prefixBytes.count else { return false }
        for (byte, expected) in zip(bytes, prefixBytes) {
            // ASCII case-insensitive: URL schemes are case-insensitive (RFC 3986 §3.1).
            let lowered = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
            if lowered != expected { return false }
        }
        return true
    }
}

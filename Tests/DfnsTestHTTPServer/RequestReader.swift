import DfnsClient

/// Reads HTTP/1.1 requests off one connection: the request line and header fields, then exactly
/// `Content-Length` body bytes. Bytes after one request stay buffered for the next (keep-alive).
struct RequestReader {
    /// One request as parsed.
    struct Request {
        var method: String
        var target: String
        var version: String
        var headers: HTTPHeaders
        var body: [UInt8]
        /// The client asked to close the connection after this request (or spoke HTTP/1.0).
        var closeAfter: Bool
    }

    /// What the next read produced.
    enum Outcome {
        /// A complete request.
        case request(Request)
        /// The connection closed (or the server is stopping) before a complete request.
        case closed
        /// Not a valid HTTP/1.x request; answer 400 and close.
        case badRequest(String)
        /// A valid request this server cannot read (chunked body); answer 501 and close.
        case unsupported(String)
    }

    /// The largest request head accepted (request line and header fields).
    static let maximumHeadSize = 64 * 1024
    /// The largest request body accepted.
    static let maximumBodySize = 64 * 1024 * 1024

    private let descriptor: Int32
    private let wake: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32, wake: Int32) {
        self.descriptor = descriptor
        self.wake = wake
    }

    /// Reads the next request.
    mutating func next() -> Outcome {
        var headEnd: Int?
        while true {
            if let end = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer) {
                headEnd = end
                break
            }
            if buffer.count > Self.maximumHeadSize {
                return .badRequest("request head larger than \(Self.maximumHeadSize) bytes")
            }
            if !Self.plausibleRequestStart(buffer) {
                // For example a TLS ClientHello sent to this plain-HTTP server: answer at once
                // rather than wait for a blank line that never comes.
                return .badRequest("not an HTTP request")
            }
            switch Socket.receive(descriptor, wake: wake) {
            case .bytes(let bytes): buffer.append(contentsOf: bytes)
            case .closed, .stopping: return .closed
            }
        }
        guard let headEnd else { return .closed }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)

        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return .badRequest("empty request") }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard requestLine.count == 3, !requestLine[0].isEmpty, requestLine[0].utf8.allSatisfy(Self.isTokenByte),
            !requestLine[1].isEmpty, requestLine[2].hasPrefix("HTTP/1.")
        else {
            return .badRequest("malformed request line")
        }

        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon > line.startIndex else {
                return .badRequest("malformed header line")
            }
            let name = String(line[..<colon])
            guard name.utf8.allSatisfy(Self.isTokenByte) else { return .badRequest("malformed header name") }
            let value = line[line.index(after: colon)...].trimmingSpacesAndTabs()
            headers.add(name: name, value: value)
        }

        if headers.contains("Transfer-Encoding") {
            return .unsupported("Transfer-Encoding is not supported by the test server")
        }
        var length = 0
        let lengths = headers.values(for: "Content-Length")
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.count <= 12,
                first.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let parsed = Int(first), parsed <= Self.maximumBodySize
            else {
                return .badRequest("invalid Content-Length")
            }
            length = parsed
        }

        if length > buffer.count, let expect = headers["Expect"], expect.lowercased() == "100-continue" {
            guard Socket.sendAll(descriptor, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return .closed }
        }
        while buffer.count < length {
            switch Socket.receive(descriptor, wake: wake) {
            case .bytes(let bytes): buffer.append(contentsOf: bytes)
            case .closed, .stopping: return .closed
            }
        }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)

        let connection = headers["Connection"]?.lowercased() ?? ""
        let closeAfter = connection.contains("close") || requestLine[2] == "HTTP/1.0"
        return .request(Request(
            method: requestLine[0], target: requestLine[1], version: requestLine[2],
            headers: headers, body: body, closeAfter: closeAfter
        ))
    }

    /// Whether `bytes` can still begin a request line: a method token of at most 32 characters,
    /// then a space.
    private static func plausibleRequestStart(_ bytes: [UInt8]) -> Bool {
        for (index, byte) in bytes.prefix(33).enumerated() {
            if byte == UInt8(ascii: " ") { return index > 0 }
            if !isTokenByte(byte) { return false }
        }
        return bytes.count <= 32
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            if bytes[start..<(start + pattern.count)].elementsEqual(pattern) { return start }
        }
        return nil
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingSpacesAndTabs() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDfnsBridgeAPI
import DfnsClient
import DfnsLocking
import DfnsProtocol

// The host transport (include/dfns_bridge.h, dfns_transport): a C callback that sends one request
// and describes the answer through dfns_http_response_*, which copy what they are given. Everything
// the callback does is checked; a broken contract is DFNS_ERR_TRANSPORT_CALLBACK, never a crash.

/// The object behind a `dfns_http_response_t *`: the answer a callback is filling in. It lives on
/// the library's side for the duration of one callback.
final class HTTPResponseBuilder: HandleBox {
    override class var typeName: String { "dfns_http_response_t" }

    /// The largest body accepted (the libcurl transport's default bound).
    static let maxBodySize = 16 << 20
    /// The largest total size of the header fields (names and values).
    static let maxHeaderSize = 256 << 10

    private struct State {
        var status: Int?
        var headers = HTTPHeaders()
        var headerBytes = 0
        var body: [UInt8] = []
        /// The first fill call that failed; the exchange then fails with it.
        var failure: BridgeError?
        /// Set when the callback returned: later fill calls are refused.
        var closed = false
    }

    private let state = Locked(State())

    /// Runs `body` on the state unless the callback already returned; a thrown error is also
    /// remembered as the exchange's failure.
    private func fill(_ body: (inout State) throws(BridgeError) -> Void) throws(BridgeError) {
        try state.withLock { (state) throws(BridgeError) in
            guard !state.closed else { throw .argument("the response was used after its callback returned") }
            do throws(BridgeError) {
                try body(&state)
            } catch {
                if state.failure == nil { state.failure = error }
                throw error
            }
        }
    }

    /// Records `error` as the exchange's failure (a fill call refused before reaching ``fill(_:)``).
    func recordFailure(_ error: BridgeError) {
        state.withLock { state in
            if !state.closed && state.failure == nil { state.failure = error }
        }
    }

    func setStatus(_ status: Int32) throws(BridgeError) {
        try fill { (state) throws(BridgeError) in
            guard (100...599).contains(status) else {
                throw BridgeError(DFNS_ERR_TRANSPORT_CALLBACK, "the transport set the status \(status), outside 100...599")
            }
            state.status = Int(status)
        }
    }

    func addHeader(name: String, value: String) throws(BridgeError) {
        try fill { (state) throws(BridgeError) in
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw BridgeError(DFNS_ERR_TRANSPORT_CALLBACK, "the transport gave a header name that is not an HTTP token")
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw BridgeError(DFNS_ERR_TRANSPORT_CALLBACK, "the transport gave header \(name.prefix(64)) a value with CR, LF or NUL")
            }
            state.headerBytes += name.utf8.count + value.utf8.count + 4
            guard state.headerBytes <= Self.maxHeaderSize else {
                throw BridgeError(DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE, "the response headers exceed \(Self.maxHeaderSize) bytes")
            }
            state.headers.add(name: name, value: Self.trimmed(value))
        }
    }

    func appendBody(_ bytes: UnsafeBufferPointer<UInt8>) throws(BridgeError) {
        try fill { (state) throws(BridgeError) in
            guard bytes.count <= Self.maxBodySize - state.body.count else {
                throw BridgeError(DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE, "the response body exceeds \(Self.maxBodySize) bytes")
            }
            state.body.append(contentsOf: bytes)
        }
    }

    /// Ends the callback: the response as filled, or why it cannot be used.
    func close(request: HTTPRequest) -> Result<HTTPResponse, BridgeError> {
        state.withLock { state -> Result<HTTPResponse, BridgeError> in
            state.closed = true
            if let failure = state.failure { return .failure(failure) }
            guard let status = state.status else {
                return .failure(BridgeError(DFNS_ERR_TRANSPORT_CALLBACK, "the transport returned 0 without setting a status"))
            }
            // A body that disagrees with the Content-Length the callback gave: the body it promised
            // never came (or more came). HEAD, 204 and 304 answers carry no body whatever the length says.
            let bodyless = request.method == .head || status == 204 || status == 304 || (100...199).contains(status)
            for value in state.headers.values(for: "Content-Length") {
                guard let length = Int(value), length >= 0, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    return .failure(BridgeError(DFNS_ERR_TRANSPORT_CALLBACK, "the transport gave Content-Length \"\(value.prefix(32))\", not a length"))
                }
                if !bodyless && length != state.body.count {
                    return .failure(BridgeError(DFNS_ERR_TRANSPORT_CALLBACK,
                                                "the transport promised a body of \(length) bytes (Content-Length) and gave \(state.body.count)"))
                }
            }
            return .success(HTTPResponse(status: status, headers: state.headers, body: state.body))
        }
    }

    /// RFC 9110 tchar.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    static func trimmed(_ value: String) -> String {
        var s = Substring(value)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// A ``Transport`` over the host's `dfns_transport`. Owns the `user` pointer once the client exists.
final class HostTransport: Transport, @unchecked Sendable {
    private let sendFunction: dfns_transport_send_fn
    private let user: UnsafeMutableRawPointer?
    private let freeUser: dfns_user_free_fn?
    private let connectTimeoutMs: UInt32
    private let timeoutMs: UInt32
    /// The User-Agent sent unless the request carries one (the API requires a non-empty one).
    private let userAgent: String
    /// Whether `user` is ours to free (set once the client was made).
    private let adopted = Locked(false)

    init(send: dfns_transport_send_fn, user: UnsafeMutableRawPointer?, freeUser: dfns_user_free_fn?,
         connectTimeoutMs: UInt32, timeoutMs: UInt32, userAgent: String) {
        sendFunction = send
        self.userAgent = userAgent
        self.user = user
        self.freeUser = freeUser
        self.connectTimeoutMs = connectTimeoutMs
        self.timeoutMs = timeoutMs
    }

    /// Takes ownership of `user`: `free_user` runs when the transport is destroyed.
    func adoptUser() {
        adopted.withLock { $0 = true }
    }

    deinit {
        if adopted.withLock({ $0 }), let freeUser { freeUser(user) }
    }

    /// The statuses a callback may return to report a failure of the network rather than its own.
    private static func transportKind(_ status: Int32) -> TransportError.Kind? {
        switch dfns_status(rawValue: status) {
        case DFNS_ERR_TRANSPORT_CONNECT: return .connectionRefused
        case DFNS_ERR_TRANSPORT_TIMEOUT: return .timeout
        case DFNS_ERR_TRANSPORT_TLS: return .tls
        case DFNS_ERR_TRANSPORT_MALFORMED_RESPONSE: return .malformedResponse
        case DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE: return .responseTooLarge
        default: return nil
        }
    }

    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        switch perform(request) {
        case .success(let response):
            return response
        case .failure(let error):
            if let kind = Self.transportKind(error.status) {
                throw TransportError(kind, error.message)
            }
            CallRecorder.current?.recordTransport(error)
            throw TransportError(.other, error.message)
        }
    }

    /// Calls the host with `request` as C data (freed when the call returns) and checks the answer.
    private func perform(_ request: HTTPRequest) -> Result<HTTPResponse, BridgeError> {
        var owned: [UnsafeMutablePointer<CChar>] = []
        defer { owned.forEach { free($0) } }
        func cString(_ string: String) -> UnsafePointer<CChar>? {
            guard let copy = CString.duplicate(string) else { return nil }
            owned.append(copy)
            return UnsafePointer(copy)
        }
        guard let method = cString(request.method.rawValue), let url = cString(request.url) else {
            return .failure(.outOfMemory("the request"))
        }
        var names: [UnsafePointer<CChar>] = []
        var values: [UnsafePointer<CChar>] = []
        var headers = request.headers
        if !headers.contains(DfnsHeaders.userAgent) { headers.add(name: DfnsHeaders.userAgent, value: userAgent) }
        for field in headers {
            guard let name = cString(field.name), let value = cString(field.value) else {
                return .failure(.outOfMemory("the request headers"))
            }
            names.append(name)
            values.append(value)
        }
        let builder = HTTPResponseBuilder()
        let returned: Int32 = names.withUnsafeBufferPointer { namesBuffer in
            values.withUnsafeBufferPointer { valuesBuffer in
                // A body that is present but empty still gets a non-NULL pointer.
                let emptyBody: [UInt8] = [0]
                let body = request.body ?? []
                return body.withUnsafeBufferPointer { bodyBuffer in
                    emptyBody.withUnsafeBufferPointer { emptyBuffer in
                        let bodyPointer: UnsafePointer<UInt8>? = request.body == nil ? nil
                            : (bodyBuffer.count == 0 ? emptyBuffer.baseAddress : bodyBuffer.baseAddress)
                        var cRequest = dfns_http_request(
                            struct_size: MemoryLayout<dfns_http_request>.size,
                            method: method, url: url, header_count: names.count,
                            header_names: names.isEmpty ? nil : namesBuffer.baseAddress,
                            header_values: values.isEmpty ? nil : valuesBuffer.baseAddress,
                            body: bodyPointer, body_len: bodyBuffer.count,
                            connect_timeout_ms: connectTimeoutMs, timeout_ms: timeoutMs)
                        let handle = OpaquePointer(Unmanaged.passUnretained(builder as HandleBox).toOpaque())
                        return withExtendedLifetime(builder) {
                            sendFunction(user, &cRequest, handle)
                        }
                    }
                }
            }
        }
        let filled = builder.close(request: request)
        guard returned == 0 else {
            if Self.transportKind(returned) != nil {
                return .failure(BridgeError(dfns_status(rawValue: returned), "the transport callback reported \(statusName(returned))"))
            }
            return .failure(BridgeError(DFNS_ERR_TRANSPORT_CALLBACK, "the transport callback returned \(returned) (\(statusName(returned)))"))
        }
        return filled
    }
}

// MARK: - The fill functions

@c @implementation
public func dfns_http_response_set_status(_ response: OpaquePointer?, _ status: Int32) -> Int32 {
    guarded("dfns_http_response_set_status") { () throws(BridgeError) in
        let builder = try Handle.borrow(response, as: HTTPResponseBuilder.self, name: "response")
        try invalidArgumentOnCallbackError { () throws(BridgeError) in try builder.setStatus(status) }
    }
}

@c @implementation
public func dfns_http_response_add_header(_ response: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) -> Int32 {
    guarded("dfns_http_response_add_header") { () throws(BridgeError) in
        let builder = try Handle.borrow(response, as: HTTPResponseBuilder.self, name: "response")
        let nameString: String
        let valueString: String
        do throws(BridgeError) {
            nameString = try Arguments.string(name, "name")
            valueString = try Arguments.string(value, "value", allowEmpty: true)
        } catch {
            // Remembered as the exchange's failure too: a header the library could not take.
            builder.recordFailure(BridgeError(DFNS_ERR_TRANSPORT_CALLBACK, "the transport gave a header the library refused: \(error.message)"))
            throw error
        }
        try invalidArgumentOnCallbackError { () throws(BridgeError) in try builder.addHeader(name: nameString, value: valueString) }
    }
}

@c @implementation
public func dfns_http_response_append_body(_ response: OpaquePointer?, _ data: UnsafePointer<UInt8>?, _ len: Int) -> Int32 {
    guarded("dfns_http_response_append_body") { () throws(BridgeError) in
        let builder = try Handle.borrow(response, as: HTTPResponseBuilder.self, name: "response")
        let refused: BridgeError?
        if len < 0 {
            refused = .argument("len is larger than SIZE_MAX / 2")
        } else if data == nil && len != 0 {
            refused = .argument("data is NULL but len is \(len)")
        } else {
            refused = nil
        }
        if let refused {
            // Remembered as the exchange's failure too: the body would lack these bytes.
            builder.recordFailure(BridgeError(DFNS_ERR_TRANSPORT_CALLBACK, "the transport gave body bytes the library refused: \(refused.message)"))
            throw refused
        }
        guard let data else { return }
        try builder.appendBody(UnsafeBufferPointer(start: data, count: len))
    }
}

/// The fill functions return DFNS_ERR_INVALID_ARGUMENT to the callback for what it did wrong (the
/// exchange itself then fails with DFNS_ERR_TRANSPORT_CALLBACK); a size bound keeps its own status.
private func invalidArgumentOnCallbackError(_ body: () throws(BridgeError) -> Void) throws(BridgeError) {
    do {
        try body()
    } catch where error.status == DFNS_ERR_TRANSPORT_CALLBACK.rawValue {
        throw .argument(error.message)
    }
}

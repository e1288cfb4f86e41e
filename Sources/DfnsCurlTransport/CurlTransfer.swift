internal import CCurl
internal import CCurlShims
import DfnsClient

/// One exchange on libcurl's easy interface: configures a handle from a ``PreparedRequest``, runs
/// `curl_easy_perform` (blocking) and collects the response.
///
/// `@unchecked Sendable`: the object is created on the calling task, handed to its transfer thread
/// through `pthread_create` (which orders everything before it), and from then on its mutable
/// response state is touched only by that thread: by ``run()`` and by libcurl's callbacks, which
/// libcurl calls on the thread running `curl_easy_perform`. The result leaves through a checked
/// continuation. The only state shared while the transfer runs is ``TransferCancellation``, which
/// has its own lock.
final class CurlTransfer: @unchecked Sendable {
    private let request: PreparedRequest
    private let configuration: CurlTransportConfiguration
    private let pool: CurlHandlePool
    /// Set by the task's cancellation handler.
    let cancellation: TransferCancellation

    // Response state, owned by the transfer thread.
    private var body: [UInt8] = []
    private var headers = ResponseHeaderCollector()
    private var bodyLimitExceeded = false
    private var headerLimitExceeded = false
    private var abortedForCancellation = false
    /// Attempts libcurl has begun (``beginAttempt()``), and whether one was refused as a repeat.
    private var attempts = 0
    private var refusedRepeat = false

    init(request: PreparedRequest, configuration: CurlTransportConfiguration, pool: CurlHandlePool, cancellation: TransferCancellation) {
        self.request = request
        self.configuration = configuration
        self.pool = pool
        self.cancellation = cancellation
    }

    /// Runs the exchange on the calling thread (a transfer thread) and returns its outcome.
    func run() -> Result<HTTPResponse, TransportError> {
        if cancellation.isCancelled {
            return .failure(TransportError(.cancelled, "the task was cancelled before the request was sent"))
        }
        guard let handle = pool.checkOut() else {
            return .failure(TransportError(.other, "curl_easy_init failed (out of memory?)"))
        }
        let errorSize = max(dfns_curl_error_size(), 1)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: errorSize)
        errorBuffer.initialize(repeating: 0, count: errorSize)
        var headerList: UnsafeMutablePointer<curl_slist>? = nil

        let result = perform(handle.pointer, errorBuffer: errorBuffer, headerList: &headerList)

        // The handle's options point at the error buffer, the header list and this object: clear
        // them (checkIn resets the handle) before any of those goes away.
        let succeeded = if case .success = result { true } else { false }
        pool.checkIn(handle, reusable: succeeded)
        curl_slist_free_all(headerList)
        errorBuffer.deinitialize(count: errorSize)
        errorBuffer.deallocate()
        return result
    }

    // MARK: - Performing

    private func perform(
        _ handle: UnsafeMutableRawPointer,
        errorBuffer: UnsafeMutablePointer<CChar>,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) -> Result<HTTPResponse, TransportError> {
        do {
            try configure(handle, errorBuffer: errorBuffer, headerList: &headerList)
        } catch {
            return .failure(error)
        }
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let observations = CurlErrorMapping.Observations(
                cancelled: abortedForCancellation || (code == CURLE_ABORTED_BY_CALLBACK && cancellation.isCancelled),
                refusedRepeat: refusedRepeat,
                writeSent: attempts > 0 && !Self.mayBeSentAgain(request.method),
                bodyLimitExceeded: bodyLimitExceeded ? configuration.maximumResponseBodySize : nil,
                headerLimitExceeded: headerLimitExceeded ? configuration.maximumResponseHeaderSize : nil,
                bodyLimit: configuration.maximumResponseBodySize
            )
            return .failure(CurlErrorMapping.error(for: code, detail: detail, observations: observations))
        }
        var status = 0
        let infoCode = dfns_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard infoCode == CURLE_OK else {
            return .failure(TransportError(.other, "curl_easy_getinfo(CURLINFO_RESPONSE_CODE) failed: \(CurlErrorMapping.describe(infoCode))"))
        }
        guard status >= 100 && status <= 999 else {
            return .failure(TransportError(.malformedResponse, "the response has no valid status code (libcurl reports \(status))"))
        }
        return .success(HTTPResponse(status: status, headers: headers.headers, body: body))
    }

    private func configure(
        _ handle: UnsafeMutableRawPointer,
        errorBuffer: UnsafeMutablePointer<CChar>,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) throws(TransportError) {
        let options = CurlOptions(handle: handle)
        let context = Unmanaged.passUnretained(self).toOpaque()

        try options.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer), "CURLOPT_ERRORBUFFER")
        // Required in a multi-threaded process: no signals, no alarm() for DNS timeouts (the
        // threaded resolver honours timeouts without them).
        try options.set(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try options.set(CURLOPT_URL, string: request.url, "CURLOPT_URL")
        try options.set(CURLOPT_PROTOCOLS_STR, string: "http,https", "CURLOPT_PROTOCOLS_STR")
        try options.set(CURLOPT_FOLLOWLOCATION, 0, "CURLOPT_FOLLOWLOCATION")

        // TLS: always verify the peer's chain and host name; TLS 1.2 at least.
        try options.set(CURLOPT_SSL_VERIFYPEER, 1, "CURLOPT_SSL_VERIFYPEER")
        try options.set(CURLOPT_SSL_VERIFYHOST, 2, "CURLOPT_SSL_VERIFYHOST")
        try options.set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2, "CURLOPT_SSLVERSION")
        if let caBundlePath = configuration.caBundlePath {
            try options.set(CURLOPT_CAINFO, string: caBundlePath, "CURLOPT_CAINFO")
        } else {
            switch CurlTrustStore.system {
            case .libcurlDefault: break
            case .file(let path): try options.set(CURLOPT_CAINFO, string: path, "CURLOPT_CAINFO")
            case .directory(let path): try options.set(CURLOPT_CAPATH, string: path, "CURLOPT_CAPATH")
            }
        }

        try options.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout), "CURLOPT_CONNECTTIMEOUT_MS")
        try options.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.timeout), "CURLOPT_TIMEOUT_MS")
        try options.set(CURLOPT_USERAGENT, string: configuration.userAgent, "CURLOPT_USERAGENT")

        switch configuration.proxy {
        case .environment:
            break  // libcurl reads http_proxy, https_proxy, all_proxy and no_proxy itself
        case .disabled:
            try options.set(CURLOPT_PROXY, string: "", "CURLOPT_PROXY")
        case .url(let proxyURL):
            try options.set(CURLOPT_PROXY, string: proxyURL, "CURLOPT_PROXY")
        }

        // Every method may use a kept-alive connection. When a reused connection closes before any
        // reply, libcurl sends the request again on a new one by itself; the pre-request callback
        // lets that happen for GET and HEAD only (``beginAttempt()``), so a write reaches the
        // server at most once.
        try options.check(dfns_curl_easy_setopt_prereq_callback(handle, CurlCallbacks.prerequest), "CURLOPT_PREREQFUNCTION")
        try options.set(CURLOPT_PREREQDATA, pointer: context, "CURLOPT_PREREQDATA")

        // A declared Content-Length over the limit fails before the body is read; the write
        // callback enforces the limit on bodies of unknown length. (0 would mean "no limit" here.)
        if configuration.maximumResponseBodySize > 0 {
            try options.set(CURLOPT_MAXFILESIZE_LARGE, offset: curl_off_t(configuration.maximumResponseBodySize), "CURLOPT_MAXFILESIZE_LARGE")
        }

        for line in request.headerLines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw TransportError(.other, "curl_slist_append failed (out of memory?)")
            }
            headerList = appended
        }
        try options.set(CURLOPT_HTTPHEADER, pointer: headerList.map { UnsafeMutableRawPointer($0) }, "CURLOPT_HTTPHEADER")

        try configureMethodAndBody(options)

        try options.set(CURLOPT_WRITEFUNCTION, callback: CurlCallbacks.write, "CURLOPT_WRITEFUNCTION")
        try options.set(CURLOPT_WRITEDATA, pointer: context, "CURLOPT_WRITEDATA")
        try options.set(CURLOPT_HEADERFUNCTION, callback: CurlCallbacks.header, "CURLOPT_HEADERFUNCTION")
        try options.set(CURLOPT_HEADERDATA, pointer: context, "CURLOPT_HEADERDATA")
        try options.check(dfns_curl_easy_setopt_xferinfo_callback(handle, CurlCallbacks.progress), "CURLOPT_XFERINFOFUNCTION")
        try options.set(CURLOPT_XFERINFODATA, pointer: context, "CURLOPT_XFERINFODATA")
        try options.set(CURLOPT_NOPROGRESS, 0, "CURLOPT_NOPROGRESS")
    }

    private func configureMethodAndBody(_ options: CurlOptions) throws(TransportError) {
        switch request.method {
        case .get:
            try options.set(CURLOPT_HTTPGET, 1, "CURLOPT_HTTPGET")
        case .head:
            try options.set(CURLOPT_NOBODY, 1, "CURLOPT_NOBODY")
        case .post, .put, .patch, .delete:
            if let body = request.body {
                try options.set(CURLOPT_POST, 1, "CURLOPT_POST")
                // The size first: CURLOPT_COPYPOSTFIELDS then copies exactly that many bytes, NULs
                // included, and libcurl sends them as they are with that Content-Length.
                try options.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(body.count), "CURLOPT_POSTFIELDSIZE_LARGE")
                var empty: UInt8 = 0
                let code: CURLcode = body.withUnsafeBytes { bytes in
                    if let base = bytes.baseAddress, !bytes.isEmpty {
                        return dfns_curl_easy_setopt_pointer(options.handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                    }
                    // An empty body still needs a non-NULL pointer (NULL would mean "no body").
                    return withUnsafeMutablePointer(to: &empty) {
                        dfns_curl_easy_setopt_pointer(options.handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer($0))
                    }
                }
                try options.check(code, "CURLOPT_COPYPOSTFIELDS")
            }
            if request.method != .post {
                try options.set(CURLOPT_CUSTOMREQUEST, string: request.method.rawValue, "CURLOPT_CUSTOMREQUEST")
            }
        }
    }

    // MARK: - Callbacks (on the transfer thread)

    /// Appends body bytes; `false` (abort) when the body would exceed the limit.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let limit = max(configuration.maximumResponseBodySize, 0)
        let (newCount, overflow) = body.count.addingReportingOverflow(bytes.count)
        guard !overflow, newCount <= limit else {
            bodyLimitExceeded = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Records one header line; `false` (abort) when the header lines would exceed the limit.
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Bool {
        guard headers.add(line: line, limit: max(configuration.maximumResponseHeaderSize, 0)) else {
            headerLimitExceeded = true
            return false
        }
        return true
    }

    /// Whether libcurl may make its next attempt at sending the request: always the first; a
    /// second (libcurl's own re-send after a reused connection closed without a reply) only for
    /// GET and HEAD. A write may already have been applied by the server when its connection
    /// died, so it is never sent twice; the caller gets an error that says so.
    /// libcurl's re-send, when a reused connection closes before any reply, may also fail before
    /// this is called again (its new connection is refused): ``CurlErrorMapping`` then reports the
    /// write as sent and not repeated too, not as a connection that never happened.
    func beginAttempt() -> Bool {
        attempts += 1
        guard attempts > 1, !Self.mayBeSentAgain(request.method) else { return true }
        refusedRepeat = true
        return false
    }

    /// GET and HEAD only: the methods libcurl may send a second time.
    private static func mayBeSentAgain(_ method: HTTPMethod) -> Bool {
        method == .get || method == .head
    }

    /// Whether libcurl should abort the transfer now (the task was cancelled).
    func shouldAbort() -> Bool {
        guard cancellation.isCancelled else { return false }
        abortedForCancellation = true
        return true
    }

    /// `duration` in whole milliseconds, rounded up, clamped to 1 ... `Int32.max`.
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let upperBound = Int64(Int32.max)
        guard seconds >= 0, !(seconds == 0 && attoseconds <= 0) else { return 1 }
        guard seconds < upperBound / 1000 else { return Int(upperBound) }
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        var milliseconds = seconds * 1000 + attoseconds / attosecondsPerMillisecond
        if attoseconds % attosecondsPerMillisecond > 0 {
            milliseconds += 1
        }
        return Int(min(max(milliseconds, 1), upperBound))
    }
}

internal import CCurl
import DfnsClient

/// The C callbacks libcurl calls during `curl_easy_perform`, on the transfer thread. Each receives
/// the ``CurlTransfer`` as its user data (unretained: the transfer outlives its perform call).
enum CurlCallbacks {
    /// `CURLOPT_WRITEFUNCTION`: body bytes. Returning fewer bytes than given aborts the transfer
    /// with `CURLE_WRITE_ERROR`.
    static let write: curl_write_callback = { data, size, count, context in
        guard let (transfer, bytes) = received(data, size, count, context) else { return 0 }
        return transfer.receiveBody(bytes) ? bytes.count : 0
    }

    /// `CURLOPT_HEADERFUNCTION`: one complete header line per call (status line and blank line
    /// included). Returning fewer bytes than given aborts with `CURLE_WRITE_ERROR`.
    static let header: curl_write_callback = { data, size, count, context in
        guard let (transfer, bytes) = received(data, size, count, context) else { return 0 }
        return transfer.receiveHeaderLine(bytes) ? bytes.count : 0
    }

    /// `CURLOPT_XFERINFOFUNCTION`: called often while data moves and about once a second while the
    /// connection is idle; a non-zero return aborts with `CURLE_ABORTED_BY_CALLBACK`. This is how
    /// task cancellation reaches a blocked transfer (within about a second).
    static let progress: curl_xferinfo_callback = { context, _, _, _, _ in
        guard let context else { return 1 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.shouldAbort() ? 1 : 0
    }

    /// `CURLOPT_PREREQFUNCTION`: called once per attempt, before the request goes out on a new or
    /// reused connection. libcurl makes a second attempt by itself when a reused connection closes
    /// before any reply; for a method that must not be repeated the transfer refuses it, which aborts
    /// with `CURLE_ABORTED_BY_CALLBACK`.
    static let prerequest: curl_prereq_callback = { context, _, _, _, _ in
        guard let context else { return CURL_PREREQFUNC_ABORT }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.beginAttempt() ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT
    }

    /// The transfer and the bytes of a write or header callback, or nil when there are none (which
    /// the callback answers with 0) or `size * count` overflows.
    private static func received(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                                 _ context: UnsafeMutableRawPointer?) -> (CurlTransfer, UnsafeRawBufferPointer)? {
        guard let context, let data else { return nil }
        let (total, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow, total > 0 else { return nil }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        return (transfer, UnsafeRawBufferPointer(start: data, count: total))
    }
}

internal import CCurl
internal import CCurlShims
import DfnsLocking

/// Idle libcurl easy handles kept for later requests, so that connections, TLS sessions and DNS
/// answers are reused (`curl_easy_reset` keeps them while clearing every option).
///
/// A handle is checked out by exactly one transfer and checked back in, reset, only after a
/// successful exchange; a handle whose exchange failed is cleaned up, closing its connections.
final class CurlHandlePool: Sendable {
    private let idle: Locked<[CurlEasyHandle]>
    private let capacity: Int

    /// A pool keeping at most `capacity` idle handles (a negative capacity counts as 0).
    init(capacity: Int) {
        self.capacity = max(0, capacity)
        idle = Locked([])
    }

    deinit {
        // Transfers hold the pool strongly while they run, so no handle is checked out here.
        let handles = idle.withLock { handles in
            defer { handles.removeAll() }
            return handles
        }
        for handle in handles {
            curl_easy_cleanup(handle.pointer)
        }
    }

    /// An idle handle, or a new one; `nil` when libcurl cannot allocate one.
    func checkOut() -> CurlEasyHandle? {
        if let handle = idle.withLock({ $0.popLast() }) {
            return handle
        }
        guard let pointer = curl_easy_init() else { return nil }
        return CurlEasyHandle(pointer: pointer)
    }

    /// Returns `handle` after a transfer. Its options (which point at the transfer's callbacks,
    /// buffers and header list) are cleared first in every case, so that nothing libcurl does later
    /// with the handle can reach memory the transfer frees; `CURLOPT_NOSIGNAL` is set again. The
    /// handle is kept when `reusable` and the pool has room, and cleaned up otherwise.
    func checkIn(_ handle: CurlEasyHandle, reusable: Bool) {
        curl_easy_reset(handle.pointer)
        // The reset also cleared CURLOPT_NOSIGNAL; without it, curl_easy_cleanup (now, or when the
        // pool goes) would briefly set SIGPIPE to SIG_IGN process-wide, racing with the host's own
        // signal handling.
        _ = dfns_curl_easy_setopt_long(handle.pointer, CURLOPT_NOSIGNAL, 1)
        let kept = reusable && idle.withLock { handles in
            guard handles.count < capacity else { return false }
            handles.append(handle)
            return true
        }
        if !kept {
            curl_easy_cleanup(handle.pointer)
        }
    }
}

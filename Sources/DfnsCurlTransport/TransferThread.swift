#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a blocking libcurl transfer on a thread of its own, outside Swift's cooperative pool.
///
/// `curl_easy_perform` blocks for as long as the exchange takes (up to the total timeout); on a
/// cooperative-pool thread it would starve every other task of the process (the pool has one thread
/// per core). A detached POSIX thread per transfer costs tens of microseconds, nothing next to a
/// network round trip, and needs no pool to size or shut down.
///
/// The thread blocks `SIGPIPE` before it runs the transfer: libcurl sets `CURLOPT_NOSIGNAL` (it must,
/// in a multi-threaded host) and then no longer ignores `SIGPIPE` itself; it sends with
/// `MSG_NOSIGNAL`, and a blocked signal is the backstop, so a peer that closes early can never kill
/// the host process. A `SIGPIPE` raised by a write on this thread stays pending on it and is
/// discarded when the thread exits; the host's own signal dispositions are never changed.
enum TransferThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts a detached thread running `body`. Returns `false`, without running `body`, when the
    /// system cannot create a thread.
    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return false }
        defer { pthread_attr_destroy(&attributes) }
        guard pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) == 0 else { return false }

        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { context in
            guard let context else { return nil }
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &signals, nil)
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return false
        }
        return true
    }
}

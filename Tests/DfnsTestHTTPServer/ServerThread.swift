#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Joinable POSIX threads for the test server (each must be joined by whoever stops the server).
enum ServerThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts a joinable thread running `body`; `nil`, without running it, when no thread can be made.
    static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return nil
        }
        return thread
    }

    /// Waits for `thread` to end.
    static func join(_ thread: pthread_t) {
        _ = pthread_join(thread, nil)
    }
}

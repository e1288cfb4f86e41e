#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a `pthread_mutex_t`, for the library's per-object caches and registries.
///
/// Written by hand rather than using the standard library's `Synchronization.Mutex` because, on
/// Linux, `Mutex` hands a contended lock over through `FUTEX_LOCK_PI` / `FUTEX_UNLOCK_PI` in the
/// kernel (the slow paths live in the uninstrumented `libswiftSynchronization`), so ThreadSanitizer
/// sees no release/acquire pair between two threads that contend for it and reports correct code as
/// a "Swift access race" (docs/DECISIONS.md, "Locks ThreadSanitizer can see"). ThreadSanitizer
/// intercepts `pthread_mutex_lock`/`unlock`, so its reports about code behind this lock are real.
/// SwiftNIO's `NIOLock` is the same idea, but the library does not depend on SwiftNIO.
///
/// The mutex lives in its own heap allocation (a `pthread_mutex_t` must not move), owned by this
/// final class. It is a plain, non-recursive, non-robust mutex: `body` must not re-enter the lock.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    /// Guards `initialValue`.
    public init(_ initialValue: Value) {
        value = initialValue
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        // With default attributes, initialising, locking (by a thread that does not hold it) and
        // unlocking (by the holder) a valid mutex cannot fail on glibc, musl or Darwin, so the
        // results are not checked: nothing here may trap in a host process (the C ABI uses it).
        _ = pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value and returns what it returns (or rethrows
    /// what it throws, after unlocking).
    @inlinable
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        lock()
        defer { unlock() }
        return try body(&valueStorage)
    }

    // The storage and lock operations are exposed to `@inlinable` code only, so that `withLock`
    // inlines into callers (no closure context allocation) without widening the public API.
    @usableFromInline
    internal var valueStorage: Value {
        _read { yield value }
        _modify { yield &value }
    }

    @usableFromInline
    internal func lock() {
        _ = pthread_mutex_lock(mutex)
    }

    @usableFromInline
    internal func unlock() {
        _ = pthread_mutex_unlock(mutex)
    }
}

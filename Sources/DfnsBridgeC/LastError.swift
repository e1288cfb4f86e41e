#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CDfnsBridgeAPI

// dfns_last_error: one malloc'd message per thread, kept in a pthread key whose destructor frees
// it when the thread exits. (@TaskLocal would not follow C threads; a Swift global would be shared.)

enum LastError {
    /// The key, created once (Swift globals initialize under swift_once, which is thread-safe);
    /// nil if the process ran out of keys, in which case messages are dropped.
    static let key: pthread_key_t? = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { message in free(message) }
        return created == 0 ? key : nil
    }()

    /// Replaces the calling thread's message.
    static func set(_ message: String) {
        guard let key else { return }
        let copy = CString.duplicate(message)
        let old = pthread_getspecific(key)
        guard pthread_setspecific(key, copy) == 0 else {
            free(copy)
            return
        }
        free(old)
    }

    /// The calling thread's message, or "".
    static func current() -> UnsafePointer<CChar> {
        if let key, let message = pthread_getspecific(key) {
            return UnsafePointer(message.assumingMemoryBound(to: CChar.self))
        }
        return staticCString("")
    }
}

/// A pointer to a string literal's NUL-terminated bytes in read-only data.
@inline(__always)
func staticCString(_ string: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(string.utf8Start).assumingMemoryBound(to: CChar.self)
}

@c @implementation
public func dfns_last_error() -> UnsafePointer<CChar> {
    LastError.current()
}

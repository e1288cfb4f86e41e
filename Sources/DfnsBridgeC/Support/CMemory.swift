#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Bytes copied into `malloc`ed memory for borrowed getters: the pointer never moves and stays
/// valid for the lifetime of the owning handle (never a pointer into Swift Array storage).
final class CBuffer {
    let pointer: UnsafeMutablePointer<UInt8>
    let count: Int

    init(_ bytes: [UInt8]) throws(BridgeError) {
        // malloc(0) may return NULL; one spare byte keeps empty buffers non-NULL.
        guard let raw = malloc(bytes.count + 1) else { throw .outOfMemory("\(bytes.count) bytes") }
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { memcpy(raw, base, source.count) }
        }
        pointer = raw.bindMemory(to: UInt8.self, capacity: bytes.count + 1)
        count = bytes.count
    }

    /// Writes the borrowed pointer and length.
    func write(to ptr: UnsafeMutablePointer<UnsafePointer<UInt8>?>, _ len: UnsafeMutablePointer<Int>) {
        ptr.pointee = UnsafePointer(pointer)
        len.pointee = count
    }

    deinit { free(pointer) }
}

/// A NUL-terminated copy of a string in `malloc`ed memory, owned by a handle.
final class CString {
    let pointer: UnsafeMutablePointer<CChar>

    init(_ string: String) throws(BridgeError) {
        guard let copy = CString.duplicate(string) else { throw .outOfMemory("a string") }
        pointer = copy
    }

    deinit { free(pointer) }

    /// A `malloc`ed NUL-terminated copy of `string` (to hand over, or own), or nil when out of
    /// memory. An embedded NUL ends the C string early.
    static func duplicate(_ string: String) -> UnsafeMutablePointer<CChar>? {
        var string = string
        return string.withUTF8 { utf8 -> UnsafeMutablePointer<CChar>? in
            guard let raw = malloc(utf8.count + 1) else { return nil }
            if let base = utf8.baseAddress { memcpy(raw, base, utf8.count) }
            let chars = raw.bindMemory(to: CChar.self, capacity: utf8.count + 1)
            chars[utf8.count] = 0
            return chars
        }
    }
}

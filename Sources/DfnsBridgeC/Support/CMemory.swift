#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Copies into `malloc`ed memory: what borrowed getters point at and what outputs hand over.
enum CMemory {
    /// A `malloc`ed copy of `bytes` with a NUL after them (so that text is also a C string, and an
    /// empty copy is never a `malloc(0)`, which may return NULL), or nil when out of memory.
    static func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutablePointer<UInt8>? {
        guard let raw = malloc(bytes.count + 1) else { return nil }
        if let base = bytes.baseAddress, bytes.count > 0 { memcpy(raw, base, bytes.count) }
        let out = raw.bindMemory(to: UInt8.self, capacity: bytes.count + 1)
        out[bytes.count] = 0
        return out
    }

    /// ``copy(_:)`` of `bytes` for a `uint8_t **` output the caller releases with dfns_free;
    /// DFNS_ERR_OUT_OF_MEMORY (naming `what`) when it cannot be allocated.
    static func handOver(_ bytes: [UInt8], _ what: String) throws(BridgeError) -> UnsafeMutablePointer<UInt8> {
        try handOver(bytes[...], what)
    }

    /// The same hand-over for a slice (e.g. the extensions inside authenticator data).
    static func handOver(_ bytes: ArraySlice<UInt8>, _ what: String) throws(BridgeError) -> UnsafeMutablePointer<UInt8> {
        guard let copy = bytes.withUnsafeBytes({ copy($0) }) else { throw .outOfMemory("\(bytes.count) bytes of \(what)") }
        return copy
    }
}

/// Bytes copied into `malloc`ed memory for borrowed getters: the pointer never moves and stays
/// valid for the lifetime of the owning handle (never a pointer into Swift Array storage). A NUL
/// follows the `count` bytes, so a text body may also be read as a C string.
final class CBuffer {
    let pointer: UnsafeMutablePointer<UInt8>
    let count: Int

    /// A copy of `bytes`.
    convenience init(_ bytes: [UInt8]) throws(BridgeError) {
        try self.init(bytes[...])
    }

    /// A copy of a slice (e.g. the extensions inside authenticator data), without an array between.
    init(_ bytes: ArraySlice<UInt8>) throws(BridgeError) {
        guard let copy = bytes.withUnsafeBytes({ CMemory.copy($0) }) else { throw .outOfMemory("\(bytes.count) bytes") }
        pointer = copy
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

    /// A `malloc`ed NUL-terminated copy of `string` for a `char **` output the caller releases with
    /// dfns_free; DFNS_ERR_OUT_OF_MEMORY (naming `what`) when it cannot be allocated.
    static func handOver(_ string: String, _ what: String) throws(BridgeError) -> UnsafeMutablePointer<CChar> {
        guard let copy = duplicate(string) else { throw .outOfMemory(what) }
        return copy
    }

    /// A `malloc`ed NUL-terminated copy of `string` (to hand over, or own), or nil when out of
    /// memory. An embedded NUL ends the C string early.
    static func duplicate(_ string: String) -> UnsafeMutablePointer<CChar>? {
        var string = string
        // Memory bound to UInt8 may be read as CChar (Int8): signed and unsigned variants alias.
        return string.withUTF8 { CMemory.copy(UnsafeRawBufferPointer($0)) }
            .map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }
    }
}

import COpenSSL

/// Bytes that are wiped (`OPENSSL_cleanse`) when released.
///
/// The storage is a private heap allocation that is never copied by this type; copies a caller makes
/// (for example with ``copyBytes()``) are the caller's to wipe.
public final class SecretBytes: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer

    /// Copies `bytes` into wiped-on-release storage. The caller's array itself is not wiped.
    public init(_ bytes: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        bytes.withUnsafeBytes { src in
            if let base = src.baseAddress, src.count > 0, let dst = buffer.baseAddress {
                dst.copyMemory(from: base, byteCount: src.count)
            }
        }
        storage = buffer
        count = bytes.count
    }

    /// Allocates `count` zero bytes (internal: filled in place by the module).
    internal init(zeroedCount count: Int) {
        let size = max(count, 1)
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        self.count = max(count, 0)
    }

    deinit {
        if let base = storage.baseAddress { OPENSSL_cleanse(base, storage.count) }
        storage.deallocate()
    }

    /// The number of bytes.
    public let count: Int

    /// Calls `body` with a read-only view of the bytes; the view must not escape `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// Calls `body` with a mutable view of the bytes (internal: used to fill the buffer in place).
    internal func withUnsafeMutableBytes<R, E: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// Returns a copy of the bytes as an ordinary array, which is not wiped automatically.
    public func copyBytes() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// Compares with `other` in constant time (for equal lengths).
    public func constantTimeEquals(_ other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        return withUnsafeBytes { a in
            other.withUnsafeBytes { b in ConstantTime.equals(a, b) }
        }
    }
}

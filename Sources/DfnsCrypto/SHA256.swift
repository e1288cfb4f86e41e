/// SHA-256 convenience functions.
public enum SHA256 {
    /// The SHA-256 digest of `data` (32 bytes).
    public static func hash(_ data: [UInt8]) -> [UInt8] {
        DigestAlgorithm.sha256.hash(data)
    }

    /// The SHA-256 digest of the bytes in `data` (32 bytes).
    public static func hash(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        DigestAlgorithm.sha256.hash([data])
    }
}

import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (`RAND_bytes`).
public enum SecureRandom {
    /// Returns `count` random bytes. Throws for a negative or too large count, or a DRBG failure.
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        guard count >= 0, let count32 = Int32(exactly: count) else {
            throw .invalidEncoding("random byte count out of range: \(count)")
        }
        if count == 0 { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let rc = out.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return 0 }
            return RAND_bytes(base, count32)
        }
        guard rc == 1 else { throw openSSLFailure("RAND_bytes") }
        return out
    }

    /// Fills `buffer` with random bytes.
    internal static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        guard let count32 = Int32(exactly: buffer.count) else { throw .invalidEncoding("random buffer too large") }
        guard RAND_bytes(base.assumingMemoryBound(to: UInt8.self), count32) == 1 else {
            throw openSSLFailure("RAND_bytes")
        }
    }
}

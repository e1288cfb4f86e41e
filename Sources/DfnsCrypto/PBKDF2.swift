import COpenSSL

/// PBKDF2 key derivation (RFC 8018).
public enum PBKDF2 {
    /// PBKDF2-HMAC-SHA256 of `password` and `salt` with `iterations` rounds, producing `length` bytes.
    ///
    /// Throws `.invalidEncoding` for a non-positive or too large iteration count or length.
    public static func sha256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int)
        throws(CryptoError) -> SecretBytes
    {
        guard iterations > 0, let iter32 = Int32(exactly: iterations) else {
            throw .invalidEncoding("PBKDF2 iteration count out of range: \(iterations)")
        }
        guard length > 0, length <= 1 << 16, let length32 = Int32(exactly: length) else {
            throw .invalidEncoding("PBKDF2 output length out of range: \(length)")
        }
        let passLength = try int32Length(password.count, "password")
        let saltLength = try int32Length(salt.count, "salt")
        let out = SecretBytes(zeroedCount: length)
        let rc = withNonNullBytes(password) { passPtr, _ -> Int32 in
            withNonNullBytes(salt) { saltPtr, _ -> Int32 in
                out.withUnsafeMutableBytes { buf -> Int32 in
                    guard let base = buf.baseAddress else { return 0 }
                    return passPtr.withMemoryRebound(to: CChar.self, capacity: max(password.count, 1)) { pass in
                        PKCS5_PBKDF2_HMAC(pass, passLength, saltPtr, saltLength, iter32,
                                          fetchedSHA256.md, length32,
                                          base.assumingMemoryBound(to: UInt8.self))
                    }
                }
            }
        }
        guard rc == 1 else { throw openSSLFailure("PKCS5_PBKDF2_HMAC") }
        return out
    }

    /// PBKDF2-HMAC-SHA256 with the UTF-8 bytes of `password`.
    public static func sha256(password: String, salt: [UInt8], iterations: Int, length: Int)
        throws(CryptoError) -> SecretBytes
    {
        var bytes = Array(password.utf8)
        defer { cleanse(&bytes) }
        return try sha256(password: bytes, salt: salt, iterations: iterations, length: length)
    }
}

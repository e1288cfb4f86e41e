import COpenSSL

/// HMAC (RFC 2104).
public enum HMAC {
    /// HMAC-SHA256 of `message` under `key` (32 bytes). Any key length is accepted.
    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        // Keys longer than the block size are hashed first (RFC 2104 §3); doing it here keeps the key
        // length within OpenSSL's `int` parameter for any input.
        let effectiveKey = key.count > 64 ? SHA256.hash(key) : key
        var out = [UInt8](repeating: 0, count: 32)
        let keyLength = Int32(truncatingIfNeeded: effectiveKey.count)   // <= 64 here
        let ok = withNonNullBytes(effectiveKey) { keyPtr, _ -> Bool in
            withNonNullBytes(message) { msgPtr, msgCount -> Bool in
                out.withUnsafeMutableBufferPointer { buf -> Bool in
                    guard let base = buf.baseAddress else { return false }
                    var length: UInt32 = 0
                    let result = COpenSSL.HMAC(fetchedSHA256.md, keyPtr, keyLength, msgPtr, msgCount, base, &length)
                    return result != nil && length == 32
                }
            }
        }
        if !ok {
            // Fails closed: clear the output so a failure never looks like a valid MAC.
            ERR_clear_error()
            for i in out.indices { out[i] = 0 }
        }
        return out
    }

    /// Verifies an HMAC-SHA256 tag in constant time.
    public static func verifySHA256(key: [UInt8], message: [UInt8], tag: [UInt8]) -> Bool {
        ConstantTime.equals(sha256(key: key, message: message), tag)
    }
}

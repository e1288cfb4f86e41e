import COpenSSL

// Internal helpers shared by the OpenSSL-backed types of this module.

/// Drains the calling thread's OpenSSL error queue into one line and leaves the queue empty.
internal func drainOpenSSLErrors() -> String {
    var parts: [String] = []
    var count = 0
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        count += 1
        if count > 8 { continue }   // keep draining, but keep the message short
        var buffer = [CChar](repeating: 0, count: 256)
        let text: String = buffer.withUnsafeMutableBufferPointer { buf -> String in
            guard let base = buf.baseAddress else { return "" }
            ERR_error_string_n(code, base, buf.count)
            let raw = UnsafeRawPointer(base).assumingMemoryBound(to: UInt8.self)
            let length = strnlen(base, buf.count)
            return String(decoding: UnsafeBufferPointer(start: raw, count: length), as: UTF8.self)
        }
        parts.append(text)
    }
    ERR_clear_error()
    return parts.joined(separator: "; ")
}

/// Builds a `.openSSL` error for an unexpected library failure and clears the error queue.
internal func openSSLFailure(_ context: String) -> CryptoError {
    let detail = drainOpenSSLErrors()
    return .openSSL(detail.isEmpty ? context : "\(context): \(detail)")
}

/// A fetched, immutable `EVP_MD*`, shared read-only between threads.
internal struct FetchedDigest: @unchecked Sendable {
    /// The `EVP_MD*`; never freed (process lifetime).
    let md: OpaquePointer?

    init(name: String, fallback: () -> OpaquePointer?) {
        if let fetched = EVP_MD_fetch(nil, name, nil) {
            md = fetched
        } else {
            ERR_clear_error()
            md = fallback()
        }
    }
}

/// Digests fetched once per process (avoids an implicit fetch per operation).
internal let fetchedSHA1 = FetchedDigest(name: "SHA1", fallback: { EVP_sha1() })
internal let fetchedSHA256 = FetchedDigest(name: "SHA256", fallback: { EVP_sha256() })
internal let fetchedSHA384 = FetchedDigest(name: "SHA384", fallback: { EVP_sha384() })
internal let fetchedSHA512 = FetchedDigest(name: "SHA512", fallback: { EVP_sha512() })

/// One byte used as a non-NULL pointer for empty inputs (some OpenSSL calls reject NULL).
private let emptyInputByte: [UInt8] = [0]

/// Calls `body` with a pointer/length pair for `bytes`; the pointer is never NULL, even when empty.
@inline(__always)
internal func withNonNullBytes<R, E: Error>(
    _ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws(E) -> R
) throws(E) -> R {
    let source = bytes.isEmpty ? emptyInputByte : bytes
    let count = bytes.count
    return try source.withUnsafeBufferPointer { (buf) throws(E) -> R in
        guard let base = buf.baseAddress else {
            // Unreachable: `source` is never empty. Use a stack byte as a fallback.
            var zero: UInt8 = 0
            return try withUnsafeMutablePointer(to: &zero) { (p) throws(E) -> R in try body(UnsafePointer(p), 0) }
        }
        return try body(base, count)
    }
}

/// Converts a buffer length to `Int32`, throwing `error` when it does not fit.
@inline(__always)
internal func int32Length(_ count: Int, _ what: String) throws(CryptoError) -> Int32 {
    guard let value = Int32(exactly: count) else { throw .invalidEncoding("\(what) is too long") }
    return value
}

/// Creates a `BIGNUM*` from unsigned big-endian bytes. The caller frees it.
internal func makeBIGNUM(_ bytes: [UInt8]) throws(CryptoError) -> OpaquePointer {
    let length = try int32Length(bytes.count, "integer")
    let bn = withNonNullBytes(bytes) { ptr, _ in BN_bin2bn(ptr, length, nil) }
    guard let bn else { throw openSSLFailure("BN_bin2bn") }
    return bn
}

/// Returns the unsigned big-endian bytes of `bn`, left-padded to `length` when given.
internal func bignumBytes(_ bn: OpaquePointer, paddedTo length: Int? = nil) -> [UInt8]? {
    let bits = BN_num_bits(bn)
    guard bits >= 0 else { return nil }
    let natural = (Int(bits) + 7) / 8
    let size = length ?? natural
    guard size >= natural, let size32 = Int32(exactly: size) else { return nil }
    if size == 0 { return [] }
    var out = [UInt8](repeating: 0, count: size)
    let written = out.withUnsafeMutableBufferPointer { buf -> Int32 in
        guard let base = buf.baseAddress else { return -1 }
        return BN_bn2binpad(bn, base, size32)
    }
    guard written == size32 else { return nil }
    return out
}

/// Removes leading zero bytes.
internal func strippingLeadingZeros(_ bytes: [UInt8]) -> [UInt8] {
    guard let first = bytes.firstIndex(where: { $0 != 0 }) else { return [] }
    return Array(bytes[first...])
}

/// Overwrites `bytes` with zeros in a way the optimiser keeps (`OPENSSL_cleanse`).
internal func cleanse(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buf in
        if let base = buf.baseAddress, buf.count > 0 { OPENSSL_cleanse(base, buf.count) }
    }
}

/// Reads everything pending in a memory BIO.
internal func readAll(bio: OpaquePointer) -> [UInt8]? {
    let pending = BIO_ctrl_pending(bio)
    guard let count = Int(exactly: pending), let count32 = Int32(exactly: count) else { return nil }
    if count == 0 { return [] }
    var out = [UInt8](repeating: 0, count: count)
    let read = out.withUnsafeMutableBytes { buf -> Int32 in
        guard let base = buf.baseAddress else { return -1 }
        return BIO_read(bio, base, count32)
    }
    guard read == count32 else { return nil }
    return out
}

/// A NUL-terminated C string with process lifetime. `OSSL_PARAM_BLD_push_*` keep the key and
/// string-value pointers until `OSSL_PARAM_BLD_to_param`, so the temporaries Swift creates when
/// passing a `String` to a `const char *` parameter must not be used with them.
internal struct PermanentCString: @unchecked Sendable {
    /// The pointer; never freed.
    let pointer: UnsafePointer<CChar>

    init(_ string: String) {
        let utf8 = Array(string.utf8CString)
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
        storage.initialize(from: utf8, count: utf8.count)
        pointer = UnsafePointer(storage)
    }
}

/// OSSL_PARAM keys used with the parameter builder.
internal enum ParamKey {
    static let groupName = PermanentCString(OSSL_PKEY_PARAM_GROUP_NAME)
    static let publicKey = PermanentCString(OSSL_PKEY_PARAM_PUB_KEY)
    static let privateKey = PermanentCString(OSSL_PKEY_PARAM_PRIV_KEY)
    static let rsaN = PermanentCString(OSSL_PKEY_PARAM_RSA_N)
    static let rsaE = PermanentCString(OSSL_PKEY_PARAM_RSA_E)
    static let p256 = PermanentCString("P-256")
    static let p384 = PermanentCString("P-384")
    static let p521 = PermanentCString("P-521")
    static let secp256k1 = PermanentCString("secp256k1")
}

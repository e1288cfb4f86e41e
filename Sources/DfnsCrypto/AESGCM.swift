import COpenSSL

/// AES-256-GCM authenticated encryption (the WebCrypto `AES-GCM` layout: ciphertext ‖ 16-byte tag).
public enum AESGCM {
    /// The key length in bytes (AES-256).
    public static let keyLength = 32
    /// The authentication tag length in bytes.
    public static let tagLength = 16
    /// Accepted IV lengths in bytes (12 is the GCM default; Dfns uses 16).
    public static let ivLengths: ClosedRange<Int> = 12...128

    /// Encrypts `plaintext` and returns ciphertext ‖ tag.
    public static func seal(key: SecretBytes, iv: [UInt8], plaintext: [UInt8], aad: [UInt8] = [])
        throws(CryptoError) -> [UInt8]
    {
        try key.withUnsafeBytes { (k) throws(CryptoError) -> [UInt8] in
            try plaintext.withUnsafeBufferPointer { (p) throws(CryptoError) -> [UInt8] in
                try sealRaw(key: k, iv: iv, plaintext: UnsafeRawBufferPointer(p), aad: aad)
            }
        }
    }

    /// Encrypts `plaintext` with a key given as plain bytes and returns ciphertext ‖ tag.
    public static func seal(key: [UInt8], iv: [UInt8], plaintext: [UInt8], aad: [UInt8] = [])
        throws(CryptoError) -> [UInt8]
    {
        try seal(key: SecretBytes(key), iv: iv, plaintext: plaintext, aad: aad)
    }

    /// Encrypts secret `plaintext` (e.g. a PKCS#8 key) and returns ciphertext ‖ tag.
    public static func seal(key: SecretBytes, iv: [UInt8], plaintext: SecretBytes, aad: [UInt8] = [])
        throws(CryptoError) -> [UInt8]
    {
        try key.withUnsafeBytes { (k) throws(CryptoError) -> [UInt8] in
            try plaintext.withUnsafeBytes { (p) throws(CryptoError) -> [UInt8] in
                try sealRaw(key: k, iv: iv, plaintext: p, aad: aad)
            }
        }
    }

    /// Decrypts ciphertext ‖ tag. Throws `.signatureInvalid` when the tag does not authenticate
    /// (wrong key, IV, AAD or tampered data) and `.invalidEncoding` for bad lengths.
    public static func open(key: SecretBytes, iv: [UInt8], ciphertext: [UInt8], aad: [UInt8] = [])
        throws(CryptoError) -> SecretBytes
    {
        try key.withUnsafeBytes { (k) throws(CryptoError) -> SecretBytes in
            try openRaw(key: k, iv: iv, sealed: ciphertext, aad: aad)
        }
    }

    /// Decrypts ciphertext ‖ tag with a key given as plain bytes.
    public static func open(key: [UInt8], iv: [UInt8], ciphertext: [UInt8], aad: [UInt8] = [])
        throws(CryptoError) -> SecretBytes
    {
        try open(key: SecretBytes(key), iv: iv, ciphertext: ciphertext, aad: aad)
    }

    // MARK: - Implementation

    private static func checkParameters(key: UnsafeRawBufferPointer, iv: [UInt8]) throws(CryptoError) {
        guard key.count == keyLength else { throw .invalidKey("AES-256-GCM key must be 32 bytes, got \(key.count)") }
        guard ivLengths.contains(iv.count) else { throw .invalidEncoding("AES-GCM IV length \(iv.count) not in 12...128") }
    }

    /// Creates a cipher context initialised with key and IV for encryption or decryption.
    private static func makeContext(key: UnsafeRawBufferPointer, iv: [UInt8], encrypt: Bool)
        throws(CryptoError) -> OpaquePointer
    {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw openSSLFailure("EVP_CIPHER_CTX_new") }
        let enc: Int32 = encrypt ? 1 : 0
        guard EVP_CipherInit_ex(ctx, fetchedAES256GCM.cipher, nil, nil, nil, enc) == 1,
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(truncatingIfNeeded: iv.count), nil) == 1
        else {
            EVP_CIPHER_CTX_free(ctx)
            throw openSSLFailure("AES-GCM init")
        }
        let ok = iv.withUnsafeBufferPointer { ivBuf -> Bool in
            guard let ivBase = ivBuf.baseAddress, let keyBase = key.baseAddress else { return false }
            return EVP_CipherInit_ex(ctx, nil, nil, keyBase.assumingMemoryBound(to: UInt8.self), ivBase, enc) == 1
        }
        guard ok else {
            EVP_CIPHER_CTX_free(ctx)
            throw openSSLFailure("AES-GCM key setup")
        }
        return ctx
    }

    /// Feeds additional authenticated data.
    private static func feedAAD(_ ctx: OpaquePointer, _ aad: [UInt8]) throws(CryptoError) {
        if aad.isEmpty { return }
        let length = try int32Length(aad.count, "AAD")
        var outLength: Int32 = 0
        let ok = aad.withUnsafeBufferPointer { buf -> Bool in
            guard let base = buf.baseAddress else { return false }
            return EVP_CipherUpdate(ctx, nil, &outLength, base, length) == 1
        }
        guard ok else { throw openSSLFailure("AES-GCM AAD") }
    }

    private static func sealRaw(key: UnsafeRawBufferPointer, iv: [UInt8], plaintext: UnsafeRawBufferPointer,
                                aad: [UInt8]) throws(CryptoError) -> [UInt8]
    {
        try checkParameters(key: key, iv: iv)
        let length = try int32Length(plaintext.count, "plaintext")
        guard plaintext.count <= Int.max - tagLength else { throw .invalidEncoding("plaintext too long") }
        let ctx = try makeContext(key: key, iv: iv, encrypt: true)
        defer { EVP_CIPHER_CTX_free(ctx) }
        try feedAAD(ctx, aad)
        var out = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        let ok = out.withUnsafeMutableBufferPointer { buf -> Bool in
            guard let base = buf.baseAddress else { return false }
            var written: Int32 = 0
            if let p = plaintext.baseAddress, plaintext.count > 0 {
                guard EVP_EncryptUpdate(ctx, base, &written, p.assumingMemoryBound(to: UInt8.self), length) == 1,
                      written == length else { return false }
            }
            var finalLength: Int32 = 0
            guard EVP_EncryptFinal_ex(ctx, base + plaintext.count, &finalLength) == 1, finalLength == 0 else {
                return false
            }
            return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), base + plaintext.count) == 1
        }
        guard ok else { throw openSSLFailure("AES-GCM encrypt") }
        return out
    }

    private static func openRaw(key: UnsafeRawBufferPointer, iv: [UInt8], sealed: [UInt8], aad: [UInt8])
        throws(CryptoError) -> SecretBytes
    {
        try checkParameters(key: key, iv: iv)
        guard sealed.count >= tagLength else { throw .invalidEncoding("AES-GCM input shorter than the tag") }
        let bodyLength = sealed.count - tagLength
        let length = try int32Length(bodyLength, "ciphertext")
        let ctx = try makeContext(key: key, iv: iv, encrypt: false)
        defer { EVP_CIPHER_CTX_free(ctx) }
        try feedAAD(ctx, aad)
        let out = SecretBytes(zeroedCount: bodyLength)
        let status = sealed.withUnsafeBufferPointer { input -> Int in
            guard let inBase = input.baseAddress else { return -1 }
            return out.withUnsafeMutableBytes { outBuf -> Int in
                // SecretBytes always has a non-NULL allocation, even for zero bytes.
                guard let outRaw = outBuf.baseAddress else { return -1 }
                let outBase = outRaw.assumingMemoryBound(to: UInt8.self)
                var written: Int32 = 0
                if bodyLength > 0 {
                    guard EVP_DecryptUpdate(ctx, outBase, &written, inBase, length) == 1, written == length else {
                        return -1
                    }
                }
                var tag = Array(input[bodyLength...])
                let tagOK = tag.withUnsafeMutableBytes { t -> Bool in
                    guard let tBase = t.baseAddress else { return false }
                    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), tBase) == 1
                }
                guard tagOK else { return -1 }
                var finalLength: Int32 = 0
                var scratch = [UInt8](repeating: 0, count: 16)
                let final = scratch.withUnsafeMutableBufferPointer { s -> Int32 in
                    guard let sBase = s.baseAddress else { return 0 }
                    return EVP_DecryptFinal_ex(ctx, sBase, &finalLength)
                }
                return final > 0 ? 1 : 0
            }
        }
        guard status == 1 else {
            // Wipe any unauthenticated plaintext before reporting.
            out.withUnsafeMutableBytes { buf in
                if let base = buf.baseAddress, buf.count > 0 { OPENSSL_cleanse(base, buf.count) }
            }
            if status == 0 {
                ERR_clear_error()
                throw .signatureInvalid
            }
            throw openSSLFailure("AES-GCM decrypt")
        }
        return out
    }
}

/// A fetched, immutable `EVP_CIPHER*`, shared read-only between threads.
internal struct FetchedCipher: @unchecked Sendable {
    /// The `EVP_CIPHER*`; never freed (process lifetime).
    let cipher: OpaquePointer?
}

/// AES-256-GCM, fetched once per process.
internal let fetchedAES256GCM: FetchedCipher = {
    if let c = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) { return FetchedCipher(cipher: c) }
    ERR_clear_error()
    return FetchedCipher(cipher: EVP_aes_256_gcm())
}()

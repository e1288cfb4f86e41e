import COpenSSL

extension PublicKey {
    /// Verifies a DER ECDSA signature over a digest the caller already computed (the digest is not
    /// hashed again): for signatures made over a hash, such as the `Hash` kind of the Dfns keys API.
    ///
    /// For EC keys on P-256, P-384 and P-521 (OpenSSL's `EVP_PKEY_verify`); `digest` must be 32, 48
    /// or 64 bytes. secp256k1 keys go through ``Secp256k1Recovery`` instead.
    ///
    /// Throws `.signatureInvalid` when it does not verify, `.malformedSignature` when the signature is
    /// not DER, `.algorithmKeyMismatch` for other keys and `.invalidEncoding` for a bad digest length.
    public func verifyECDSA(derSignature: [UInt8], digest: [UInt8]) throws(CryptoError) {
        switch kind {
        case .ec(.p256), .ec(.p384), .ec(.p521): break
        default: throw .algorithmKeyMismatch("prehashed ECDSA verification needs a P-256, P-384 or P-521 key, not \(kindDescription)")
        }
        guard [32, 48, 64].contains(digest.count) else {
            throw .invalidEncoding("ECDSA digest must be 32, 48 or 64 bytes, got \(digest.count)")
        }
        guard derSignature.first == 0x30 else {
            throw .malformedSignature("ECDSA signature must be DER (a SEQUENCE of r and s)")
        }
        guard let pkey, let ctx = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else {
            throw openSSLFailure("EVP_PKEY_CTX_new_from_pkey")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_verify_init(ctx) == 1 else { throw openSSLFailure("EVP_PKEY_verify_init") }
        let rc = derSignature.withUnsafeBufferPointer { sig -> Int32 in
            digest.withUnsafeBufferPointer { d -> Int32 in
                guard let sigBase = sig.baseAddress, let dBase = d.baseAddress else { return 0 }
                return EVP_PKEY_verify(ctx, sigBase, sig.count, dBase, d.count)
            }
        }
        // Only exactly 1 is success: 0 is a bad signature, < 0 a malformed one.
        guard rc == 1 else {
            ERR_clear_error()
            throw .signatureInvalid
        }
    }
}

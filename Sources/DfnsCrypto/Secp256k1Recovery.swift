import CSecp256k1

/// ECDSA on secp256k1 over a digest the caller has already computed, with compact signatures
/// (`r ‖ s`, 32 bytes each, big-endian) and recovery ids: the form blockchains use and the one the
/// Dfns keys API returns (`{r, s, recid}` from `POST /keys/{keyId}/signatures`).
///
/// Everything goes through libsecp256k1 with the module's shared context (non-aborting
/// illegal-argument callback); every argument is checked before the library sees it, so no input
/// reaches that callback.
///
/// Public keys are SEC1 encodings: 33 bytes compressed (`02`/`03` ‖ x) or 65 bytes uncompressed
/// (`04` ‖ x ‖ y).
public enum Secp256k1Recovery {
    /// The length of a compact signature (`r ‖ s`).
    public static let compactSignatureLength = 64
    /// The digest length the library signs and verifies.
    public static let digestLength = 32

    /// Validates a SEC1 public key (compressed or uncompressed, on the curve) and returns its
    /// 65-byte uncompressed form.
    public static func uncompressedPublicKey(sec1 key: [UInt8]) throws(CryptoError) -> [UInt8] {
        let ctx = try context()
        var pubkey = try parsePublicKey(key, ctx)
        return try serialize(&pubkey, ctx, compressed: false)
    }

    /// Validates a SEC1 public key and returns its 33-byte compressed form.
    public static func compressedPublicKey(sec1 key: [UInt8]) throws(CryptoError) -> [UInt8] {
        let ctx = try context()
        var pubkey = try parsePublicKey(key, ctx)
        return try serialize(&pubkey, ctx, compressed: true)
    }

    /// Whether a compact signature has a low S (`s <= n/2`, BIP 62 / EIP-2). Throws for a malformed
    /// signature (wrong length, `r` or `s` not below the group order).
    public static func isLowS(compactSignature: [UInt8]) throws(CryptoError) -> Bool {
        let ctx = try context()
        var parsed = try parseCompact(compactSignature, ctx)
        var normalized = secp256k1_ecdsa_signature()
        // Returns 1 when the input was not normalised, i.e. had a high S.
        return secp256k1_ecdsa_signature_normalize(ctx, &normalized, &parsed) == 0
    }

    /// Verifies a compact signature over `digest` (exactly 32 bytes, not hashed again) with a SEC1
    /// public key. A high-S signature is refused unless `allowHighS` (then it is normalised first,
    /// as the signature `(r, n - s)` is equally valid).
    ///
    /// Throws `.signatureInvalid` when it does not verify, `.malformedSignature` for a high S
    /// (without `allowHighS`) or a malformed signature, `.invalidKey` for a bad public key.
    public static func verify(compactSignature: [UInt8], digest: [UInt8], publicKey sec1: [UInt8],
                              allowHighS: Bool = false) throws(CryptoError) {
        let ctx = try context()
        try checkDigest(digest)
        var pubkey = try parsePublicKey(sec1, ctx)
        var parsed = try parseCompact(compactSignature, ctx)
        var normalized = secp256k1_ecdsa_signature()
        let wasHigh = secp256k1_ecdsa_signature_normalize(ctx, &normalized, &parsed) == 1
        if wasHigh && !allowHighS {
            throw .malformedSignature("secp256k1 signature has a high S value")
        }
        let ok = digest.withUnsafeBufferPointer { d -> Int32 in
            guard let base = d.baseAddress else { return 0 }
            return secp256k1_ecdsa_verify(ctx, &normalized, base, &pubkey)
        }
        guard ok == 1 else { throw .signatureInvalid }
    }

    /// Recovers the public key that produced a compact signature with recovery id `recoveryID`
    /// (0...3) over `digest` (exactly 32 bytes), as 65-byte uncompressed SEC1. Success proves the
    /// signature valid for the returned key; the caller compares that key with the expected one.
    ///
    /// Throws `.malformedSignature` for a bad length, an out-of-range `r`/`s` or recovery id, and
    /// `.signatureInvalid` when no key can be recovered.
    public static func recoverPublicKey(compactSignature: [UInt8], recoveryID: Int, digest: [UInt8])
        throws(CryptoError) -> [UInt8]
    {
        let ctx = try context()
        try checkDigest(digest)
        guard compactSignature.count == compactSignatureLength else {
            throw .malformedSignature("compact secp256k1 signature must be 64 bytes, got \(compactSignature.count)")
        }
        guard (0...3).contains(recoveryID), let recid = Int32(exactly: recoveryID) else {
            throw .malformedSignature("recovery id must be 0...3, got \(recoveryID)")
        }
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        let parsed = compactSignature.withUnsafeBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return 0 }
            return secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &recoverable, base, recid)
        }
        guard parsed == 1 else { throw .malformedSignature("r or s is not below the secp256k1 group order") }
        var pubkey = secp256k1_pubkey()
        let recovered = digest.withUnsafeBufferPointer { d -> Int32 in
            guard let base = d.baseAddress else { return 0 }
            return secp256k1_ecdsa_recover(ctx, &pubkey, &recoverable, base)
        }
        guard recovered == 1 else { throw .signatureInvalid }
        return try serialize(&pubkey, ctx, compressed: false)
    }

    // MARK: - Internals

    private static func context() throws(CryptoError) -> OpaquePointer {
        guard let ctx = Secp256k1Context.shared.context else { throw .openSSL("libsecp256k1 context unavailable") }
        return ctx
    }

    private static func checkDigest(_ digest: [UInt8]) throws(CryptoError) {
        guard digest.count == digestLength else {
            throw .invalidEncoding("secp256k1 digest must be 32 bytes, got \(digest.count)")
        }
    }

    /// Parses a SEC1 key of 33 (02/03 prefix) or 65 (04 prefix) bytes; hybrid (06/07) keys are refused.
    private static func parsePublicKey(_ key: [UInt8], _ ctx: OpaquePointer) throws(CryptoError) -> secp256k1_pubkey {
        switch (key.count, key.first) {
        case (33, 0x02?), (33, 0x03?), (65, 0x04?): break
        default: throw .invalidKey("secp256k1 public key must be 33 bytes (02/03 ‖ x) or 65 bytes (04 ‖ x ‖ y)")
        }
        var pubkey = secp256k1_pubkey()
        let ok = key.withUnsafeBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return 0 }
            return secp256k1_ec_pubkey_parse(ctx, &pubkey, base, buf.count)
        }
        guard ok == 1 else { throw .invalidKey("secp256k1 public key is not a point on the curve") }
        return pubkey
    }

    private static func parseCompact(_ signature: [UInt8], _ ctx: OpaquePointer) throws(CryptoError)
        -> secp256k1_ecdsa_signature
    {
        guard signature.count == compactSignatureLength else {
            throw .malformedSignature("compact secp256k1 signature must be 64 bytes, got \(signature.count)")
        }
        var parsed = secp256k1_ecdsa_signature()
        let ok = signature.withUnsafeBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return 0 }
            return secp256k1_ecdsa_signature_parse_compact(ctx, &parsed, base)
        }
        guard ok == 1 else { throw .malformedSignature("r or s is not below the secp256k1 group order") }
        return parsed
    }

    private static func serialize(_ pubkey: inout secp256k1_pubkey, _ ctx: OpaquePointer, compressed: Bool)
        throws(CryptoError) -> [UInt8]
    {
        var out = [UInt8](repeating: 0, count: compressed ? 33 : 65)
        var length = out.count
        let flags = UInt32(compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED)
        let ok = out.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return 0 }
            return secp256k1_ec_pubkey_serialize(ctx, base, &length, &pubkey, flags)
        }
        guard ok == 1, length == out.count else { throw .openSSL("secp256k1_ec_pubkey_serialize failed") }
        return out
    }
}

extension PrivateKey {
    /// Signs a 32-byte `digest` (not hashed again) with this secp256k1 key: RFC 6979 nonce, low S,
    /// returned as the compact `r ‖ s` and the recovery id (0...3). For hosts that must produce what
    /// the Dfns keys API returns (a sandbox server, tests).
    ///
    /// Throws `.algorithmKeyMismatch` for a key that is not secp256k1 and `.invalidEncoding` for a
    /// digest that is not 32 bytes.
    public func signRecoverableSecp256k1(digest: [UInt8]) throws(CryptoError)
        -> (compactSignature: [UInt8], recoveryID: Int)
    {
        guard case .ec(.secp256k1) = type else {
            throw .algorithmKeyMismatch("recoverable signing needs a secp256k1 key")
        }
        guard digest.count == Secp256k1Recovery.digestLength else {
            throw .invalidEncoding("secp256k1 digest must be 32 bytes, got \(digest.count)")
        }
        guard let ctx = Secp256k1Context.shared.context, let secret = secp256k1Secret else {
            throw .openSSL("libsecp256k1 unavailable for this key")
        }
        var signature = secp256k1_ecdsa_recoverable_signature()
        let signed = secret.withUnsafeBytes { key -> Int32 in
            guard let keyBase = key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count == 32 else { return 0 }
            return digest.withUnsafeBufferPointer { d -> Int32 in
                guard let dBase = d.baseAddress else { return 0 }
                return secp256k1_ecdsa_sign_recoverable(ctx, &signature, dBase, keyBase, nil, nil)
            }
        }
        guard signed == 1 else { throw .openSSL("secp256k1_ecdsa_sign_recoverable failed") }
        var compact = [UInt8](repeating: 0, count: Secp256k1Recovery.compactSignatureLength)
        var recid: Int32 = 0
        let serialized = compact.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return 0 }
            return secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, base, &recid, &signature)
        }
        guard serialized == 1 else { throw .openSSL("secp256k1_ecdsa_recoverable_signature_serialize_compact failed") }
        return (compact, Int(recid))
    }
}

import COpenSSL
import CSecp256k1

extension PublicKey {
    /// Verifies `signature` over `message` with `algorithm`.
    ///
    /// ECDSA signatures are DER (raw r‖s is rejected); EdDSA signatures are raw (64 or 114 bytes);
    /// RSA signatures are the raw k-byte value; ML-DSA signatures are the FIPS 204 encoding (3309 or
    /// 4627 bytes), verified in pure mode with the empty context. ES256K goes through libsecp256k1 with high-S
    /// signatures normalised first. RS1 requires `allowSHA1`.
    ///
    /// Throws `.signatureInvalid`, `.malformedSignature`, `.algorithmKeyMismatch` (e.g. ES384 on a
    /// P-256 key), `.sha1NotAllowed` or `.openSSL` for unexpected library failures.
    public func verify(signature: [UInt8], message: [UInt8], algorithm: COSEAlgorithm,
                       allowSHA1: Bool = false) throws(CryptoError) {
        try signature.withUnsafeBufferPointer { (sig) throws(CryptoError) in
            try message.withUnsafeBufferPointer { (msg) throws(CryptoError) in
                try verifyCore(signature: UnsafeRawBufferPointer(sig), parts: [UnsafeRawBufferPointer(msg)],
                               algorithm: algorithm, allowSHA1: allowSHA1)
            }
        }
    }

    /// Verifies `signature` over the concatenation of `messageParts` (copied together first; use the
    /// `UnsafeRawBufferPointer` overload on hot paths).
    public func verify(signature: [UInt8], messageParts: [[UInt8]], algorithm: COSEAlgorithm,
                       allowSHA1: Bool = false) throws(CryptoError) {
        try verify(signature: signature, message: messageParts.flatMap { $0 }, algorithm: algorithm,
                   allowSHA1: allowSHA1)
    }

    /// Hot path: verifies `signature` over the concatenation of `messageParts` without copying them
    /// together (each part is fed with `EVP_DigestVerifyUpdate`; EdDSA, which is one-shot, copies
    /// only when there is more than one part). Same rules and errors as
    /// ``verify(signature:message:algorithm:allowSHA1:)``. The buffers are only read during the call.
    public func verify(signature: UnsafeRawBufferPointer, messageParts: [UnsafeRawBufferPointer],
                       algorithm: COSEAlgorithm, allowSHA1: Bool = false) throws(CryptoError) {
        try verifyCore(signature: signature, parts: messageParts, algorithm: algorithm, allowSHA1: allowSHA1)
    }

    // MARK: - Implementation

    private func mismatch(_ algorithm: COSEAlgorithm) -> CryptoError {
        .algorithmKeyMismatch("\(algorithm.name) cannot be used with a \(kindDescription) key")
    }

    /// A short description of the key for error messages.
    internal var kindDescription: String {
        switch kind {
        case .ec(let curve): return "\(curve.name) EC"
        case .okp(let curve): return curve.name
        case .rsa(let bits): return "\(bits)-bit RSA"
        case .mlDSA(let parameterSet): return parameterSet.name
        case .unsupported(let name): return "unsupported (\(name))"
        }
    }

    @inline(__always)
    private func verifyCore(signature: UnsafeRawBufferPointer, parts: [UnsafeRawBufferPointer],
                            algorithm: COSEAlgorithm, allowSHA1: Bool) throws(CryptoError) {
        if algorithm == .rs1 && !allowSHA1 { throw .sha1NotAllowed }
        guard let sigBase = signature.baseAddress, signature.count > 0 else {
            throw .malformedSignature("empty signature")
        }
        let sig = UnsafeBufferPointer(start: sigBase.assumingMemoryBound(to: UInt8.self), count: signature.count)
        switch algorithm.requirement {
        case .ec(let curve):
            guard case .ec(let keyCurve) = kind, keyCurve == curve else { throw mismatch(algorithm) }
            guard sig[0] == 0x30 else {
                throw .malformedSignature("ECDSA signature must be DER (a SEQUENCE of r and s)")
            }
            if curve == .secp256k1 {
                try verifySecp256k1(signature: sig, parts: parts)
            } else {
                try verifyDigest(signature: sig, parts: parts, digest: algorithm.digest, pss: false)
            }
        case .okp(let curve):
            guard case .okp(let keyCurve) = kind, keyCurve == curve else { throw mismatch(algorithm) }
            guard sig.count == curve.signatureLength else {
                throw .malformedSignature("\(curve.name) signature must be \(curve.signatureLength) bytes, got \(sig.count)")
            }
            try verifyEdDSA(signature: sig, parts: parts)
        case .rsaPKCS1, .rsaPSS:
            guard case .rsa = kind else { throw mismatch(algorithm) }
            try verifyDigest(signature: sig, parts: parts, digest: algorithm.digest,
                             pss: algorithm.requirement == .rsaPSS)
        case .mlDSA(let parameterSet):
            guard case .mlDSA(let keySet) = kind, keySet == parameterSet, let mlDSAKey else { throw mismatch(algorithm) }
            try verifyMLDSA(key: mlDSAKey, signature: UnsafeRawBufferPointer(sig), parts: parts)
        }
    }

    /// ECDSA (OpenSSL curves) and RSA: EVP_DigestVerifyInit, one Update per part, Final.
    @inline(__always)
    private func verifyDigest(signature: UnsafeBufferPointer<UInt8>, parts: [UnsafeRawBufferPointer],
                              digest: DigestAlgorithm?, pss: Bool) throws(CryptoError) {
        guard let digest, let md = digest.evpMD else { throw .unsupportedAlgorithm("digest unavailable") }
        guard let ctx = EVP_MD_CTX_new() else { throw openSSLFailure("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        var pctx: OpaquePointer? = nil
        // EC keys (other than secp256k1) have a template initialised with the one digest their
        // algorithms use (the caller checked the curve); RSA keys initialise per call.
        if !pss, let template = verifyTemplate ?? rsaPKCS1Template(digest: digest, md: md), copyTemplate(template, into: ctx) {
            // copied
        } else {
            guard EVP_DigestVerifyInit(ctx, &pctx, md, nil, pkey) == 1 else {
                throw openSSLFailure("EVP_DigestVerifyInit")
            }
        }
        if pss {
            guard let pctx,
                  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1,
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1,
                  EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1 else {
                throw openSSLFailure("PSS parameters")
            }
        }
        for part in parts {
            guard let base = part.baseAddress, part.count > 0 else { continue }
            guard EVP_DigestVerifyUpdate(ctx, base, part.count) == 1 else {
                throw openSSLFailure("EVP_DigestVerifyUpdate")
            }
        }
        guard let sigBase = signature.baseAddress else { throw .malformedSignature("empty signature") }
        // Only exactly 1 is success: 0 is a bad signature, < 0 a malformed one (e.g. not DER).
        guard EVP_DigestVerifyFinal(ctx, sigBase, signature.count) == 1 else {
            ERR_clear_error()
            throw .signatureInvalid
        }
    }

    /// The PKCS#1 v1.5 template of an RSA key for `digest`, made once under the key's lock; nil for
    /// other keys or if OpenSSL cannot make it (the caller then initialises per call).
    private func rsaPKCS1Template(digest: DigestAlgorithm, md: OpaquePointer) -> OpaquePointer? {
        guard case .rsa = kind else { return nil }
        let made = rsaPKCS1Templates.withLock { templates -> VerifyContext? in
            if let existing = templates[digest] { return existing }
            guard let ctx = EVP_MD_CTX_new() else {
                ERR_clear_error()
                return nil
            }
            guard EVP_DigestVerifyInit(ctx, nil, md, nil, pkey) == 1 else {
                EVP_MD_CTX_free(ctx)
                ERR_clear_error()
                return nil
            }
            let template = VerifyContext(pointer: ctx)
            templates[digest] = template
            return template
        }
        return made?.pointer
    }

    /// Copies the per-key template into `ctx`; on failure the error queue is cleared and the caller
    /// falls back to a fresh `EVP_DigestVerifyInit`.
    @inline(__always)
    private func copyTemplate(_ template: OpaquePointer, into ctx: OpaquePointer) -> Bool {
        if EVP_MD_CTX_copy_ex(ctx, template) == 1 { return true }
        ERR_clear_error()
        return false
    }

    /// PureEdDSA: one-shot EVP_DigestVerify with a NULL digest.
    private func verifyEdDSA(signature: UnsafeBufferPointer<UInt8>, parts: [UnsafeRawBufferPointer])
        throws(CryptoError) {
        guard let ctx = EVP_MD_CTX_new() else { throw openSSLFailure("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        if let template = verifyTemplate, copyTemplate(template, into: ctx) {
            // copied
        } else {
            guard EVP_DigestVerifyInit(ctx, nil, nil, nil, pkey) == 1 else {
                throw openSSLFailure("EVP_DigestVerifyInit")
            }
        }
        guard let sigBase = signature.baseAddress else { throw .malformedSignature("empty signature") }
        let rc: Int32
        if parts.count == 1, let base = parts[0].baseAddress, parts[0].count > 0 {
            rc = EVP_DigestVerify(ctx, sigBase, signature.count, base.assumingMemoryBound(to: UInt8.self),
                                  parts[0].count)
        } else {
            var message: [UInt8] = []
            message.reserveCapacity(parts.reduce(0) { $0 &+ $1.count })
            for part in parts { message.append(contentsOf: part) }
            rc = withNonNullBytes(message) { ptr, count in
                EVP_DigestVerify(ctx, sigBase, signature.count, ptr, count)
            }
        }
        guard rc == 1 else {
            ERR_clear_error()
            throw .signatureInvalid
        }
    }

    /// ES256K through libsecp256k1: strict DER parse, normalise to low-S, verify SHA-256(message).
    private func verifySecp256k1(signature: UnsafeBufferPointer<UInt8>, parts: [UnsafeRawBufferPointer])
        throws(CryptoError) {
        guard let ctx = Secp256k1Context.shared.context else {
            throw .openSSL("libsecp256k1 context unavailable")
        }
        guard var pub = secp256k1Key else { throw .invalidKey("secp256k1 key not available to libsecp256k1") }
        guard let sigBase = signature.baseAddress else { throw .malformedSignature("empty signature") }
        var parsed = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_der(ctx, &parsed, sigBase, signature.count) == 1 else {
            throw .malformedSignature("invalid DER ECDSA signature")
        }
        var normalized = secp256k1_ecdsa_signature()
        _ = secp256k1_ecdsa_signature_normalize(ctx, &normalized, &parsed)
        var digest = [UInt8](repeating: 0, count: 32)
        let hashed = digest.withUnsafeMutableBufferPointer { buf -> Bool in
            guard let base = buf.baseAddress else { return false }
            return DigestAlgorithm.sha256.digestParts(into: base) { feed in
                for part in parts where !feed(part) { return false }
                return true
            }
        }
        guard hashed else { throw openSSLFailure("SHA-256") }
        let ok = digest.withUnsafeBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return 0 }
            return secp256k1_ecdsa_verify(ctx, &normalized, base, &pub)
        }
        guard ok == 1 else { throw .signatureInvalid }
    }
}

import COpenSSL
import CSecp256k1

extension PrivateKey {
    /// Signs `message` with `algorithm`, producing the format ``PublicKey/verify(signature:message:algorithm:allowSHA1:)``
    /// accepts: DER ECDSA (ES256K via libsecp256k1, RFC 6979 nonce, low-S), raw EdDSA, PKCS#1 v1.5 or
    /// PSS (salt length = digest length) for RSA. Throws `.algorithmKeyMismatch` when the algorithm
    /// does not fit the key.
    public func sign(_ message: [UInt8], algorithm: COSEAlgorithm) throws(CryptoError) -> [UInt8] {
        switch algorithm.requirement {
        case .ec(let curve):
            guard case .ec(let keyCurve) = type, keyCurve == curve else { throw mismatch(algorithm) }
            if curve == .secp256k1 { return try signSecp256k1(message) }
            return try signEVP(message, digest: algorithm.digest, pss: false)
        case .okp(let curve):
            switch (curve, type) {
            case (.ed25519, .ed25519), (.ed448, .ed448): return try signEVP(message, digest: nil, pss: false)
            default: throw mismatch(algorithm)
            }
        case .mlDSA:
            throw .unsupportedAlgorithm("\(algorithm.name) signing is not offered (ML-DSA is verified only)")
        case .rsaPKCS1, .rsaPSS:
            guard case .rsa = type else { throw mismatch(algorithm) }
            return try signEVP(message, digest: algorithm.digest, pss: algorithm.requirement == .rsaPSS)
        }
    }

    private func mismatch(_ algorithm: COSEAlgorithm) -> CryptoError {
        .algorithmKeyMismatch("\(algorithm.name) cannot be used with a \(publicKey.kindDescription) key")
    }

    /// EVP_DigestSign (one-shot; NULL digest for EdDSA).
    private func signEVP(_ message: [UInt8], digest: DigestAlgorithm?, pss: Bool) throws(CryptoError) -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { throw openSSLFailure("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        var pctx: OpaquePointer? = nil
        // EC and EdDSA keys copy their template (made with the one digest their algorithms use; the
        // caller checked the curve); RSA keys initialise per call.
        if !pss, let signTemplate, EVP_MD_CTX_copy_ex(ctx, signTemplate) == 1 {
            // copied
        } else {
            ERR_clear_error()
            guard EVP_DigestSignInit(ctx, &pctx, digest?.evpMD, nil, pkey) == 1 else {
                throw openSSLFailure("EVP_DigestSignInit")
            }
        }
        if pss {
            guard let pctx, let md = digest?.evpMD,
                  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1,
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1,
                  EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1 else {
                throw openSSLFailure("PSS parameters")
            }
        }
        let maxSize = Int(EVP_PKEY_get_size(pkey))
        guard maxSize > 0 else { throw openSSLFailure("EVP_PKEY_get_size") }
        var signature = [UInt8](repeating: 0, count: maxSize)
        var length = maxSize
        let rc = withNonNullBytes(message) { msg, count -> Int32 in
            signature.withUnsafeMutableBufferPointer { buf -> Int32 in
                EVP_DigestSign(ctx, buf.baseAddress, &length, msg, count)
            }
        }
        guard rc == 1, length > 0, length <= maxSize else { throw openSSLFailure("EVP_DigestSign") }
        signature.removeLast(maxSize - length)
        return signature
    }

    /// ES256K: SHA-256, libsecp256k1 RFC 6979 signing (always low-S), DER serialisation.
    private func signSecp256k1(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let ctx = Secp256k1Context.shared.context, let secret = secp256k1Secret else {
            throw .openSSL("libsecp256k1 unavailable for this key")
        }
        var digest = SHA256.hash(message)
        defer { cleanse(&digest) }
        var signature = secp256k1_ecdsa_signature()
        let signed = secret.withUnsafeBytes { key -> Int32 in
            guard let keyBase = key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count == 32 else { return 0 }
            return digest.withUnsafeBufferPointer { d -> Int32 in
                guard let dBase = d.baseAddress else { return 0 }
                return secp256k1_ecdsa_sign(ctx, &signature, dBase, keyBase, nil, nil)
            }
        }
        guard signed == 1 else { throw .openSSL("secp256k1_ecdsa_sign failed") }
        var der = [UInt8](repeating: 0, count: 72)
        var length = der.count
        let serialized = der.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return 0 }
            return secp256k1_ecdsa_signature_serialize_der(ctx, base, &length, &signature)
        }
        guard serialized == 1, length > 0, length <= der.count else {
            throw .openSSL("secp256k1_ecdsa_signature_serialize_der failed")
        }
        der.removeLast(der.count - length)
        return der
    }
}

import COpenSSL
import DfnsEncoding

extension PublicKey {
    // MARK: - Import from components

    /// An EC public key from fixed-length big-endian coordinates. The point must be on `curve` and
    /// must not be the point at infinity; both coordinates must be exactly `curve.coordinateLength`.
    public static func ec(curve: EllipticCurve, x: [UInt8], y: [UInt8]) throws(CryptoError) -> PublicKey {
        let n = curve.coordinateLength
        guard x.count == n, y.count == n else {
            throw .invalidKey("\(curve.name) coordinates must be \(n) bytes, got \(x.count) and \(y.count)")
        }
        var point: [UInt8] = [0x04]
        point.reserveCapacity(1 + 2 * n)
        point += x
        point += y
        let pkey = try importECPoint(curve: curve, point: point)
        let key = PublicKey(pkey: pkey, kind: .ec(curve), components: .ec(curve, x: x, y: y))
        if curve == .secp256k1, key.secp256k1Key == nil {
            throw .invalidKey("secp256k1 point rejected by libsecp256k1")
        }
        return key
    }

    /// An EdDSA public key; `x` must be exactly `curve.keyLength` bytes.
    public static func okp(curve: EdwardsCurve, x: [UInt8]) throws(CryptoError) -> PublicKey {
        guard x.count == curve.keyLength else {
            throw .invalidKey("\(curve.name) public key must be \(curve.keyLength) bytes, got \(x.count)")
        }
        let pkey = x.withUnsafeBufferPointer { buf -> OpaquePointer? in
            guard let base = buf.baseAddress else { return nil }
            return EVP_PKEY_new_raw_public_key(curve.evpType, nil, base, buf.count)
        }
        guard let pkey else { throw .invalidKey("\(curve.name) public key rejected: \(drainOpenSSLErrors())") }
        return PublicKey(pkey: pkey, kind: .okp(curve), components: .okp(curve, x: x))
    }

    /// An RSA public key from unsigned big-endian integers (leading zeros are ignored).
    /// Requires a modulus of 1024...16384 bits (odd) and an odd exponent with 3 <= e < n.
    /// Stricter size policies (e.g. >= 2048 bits) belong to the caller.
    public static func rsa(modulus: [UInt8], exponent: [UInt8]) throws(CryptoError) -> PublicKey {
        let n = strippingLeadingZeros(modulus)
        let e = strippingLeadingZeros(exponent)
        try validateRSA(modulus: n, exponent: e)
        let nBN = try makeBIGNUM(n)
        defer { BN_free(nBN) }
        let eBN = try makeBIGNUM(e)
        defer { BN_free(eBN) }
        let pkey = try fromData(type: "RSA", selection: publicKeySelection) { (bld) throws(CryptoError) in
            guard OSSL_PARAM_BLD_push_BN(bld, ParamKey.rsaN.pointer, nBN) == 1,
                  OSSL_PARAM_BLD_push_BN(bld, ParamKey.rsaE.pointer, eBN) == 1 else {
                throw openSSLFailure("OSSL_PARAM_BLD_push_BN")
            }
        }
        let bits = Int(EVP_PKEY_get_bits(pkey))
        return PublicKey(pkey: pkey, kind: .rsa(bits: bits), components: .rsa(modulus: n, exponent: e))
    }

    // MARK: - Import from DER / PEM

    /// Imports a DER SubjectPublicKeyInfo. The input must be exactly one SPKI (no trailing bytes) of
    /// an EC (P-256, P-384, P-521, secp256k1), Ed25519, Ed448, RSA or (RFC 9881) ML-DSA-65/87 key;
    /// the same validation as for components applies.
    public convenience init(spkiDER: [UInt8]) throws(CryptoError) {
        guard !spkiDER.isEmpty else { throw .invalidEncoding("empty SubjectPublicKeyInfo") }
        if let fixed = PublicKey.fixedSPKI(spkiDER) {
            switch fixed.kind {
            case .ec(let curve):
                let pkey = try PublicKey.importECPoint(curve: curve, point: fixed.key)
                let n = curve.coordinateLength
                self.init(pkey: pkey, kind: fixed.kind,
                          components: .ec(curve, x: Array(fixed.key[1...n]), y: Array(fixed.key[(n + 1)...])))
                if curve == .secp256k1, secp256k1Key == nil {
                    throw .invalidKey("secp256k1 point rejected by libsecp256k1")
                }
                return
            case .okp(let curve):
                let pkey = fixed.key.withUnsafeBufferPointer { buf in
                    EVP_PKEY_new_raw_public_key(curve.evpType, nil, buf.baseAddress, buf.count)
                }
                guard let pkey else { throw .invalidKey("\(curve.name) public key rejected: \(drainOpenSSLErrors())") }
                self.init(pkey: pkey, kind: fixed.kind, components: .okp(curve, x: fixed.key))
                return
            case .rsa, .mlDSA, .unsupported:
                break
            }
        }
        let parsed = spkiDER.withUnsafeBufferPointer { buf -> (OpaquePointer?, Bool) in
            guard let base = buf.baseAddress else { return (nil, false) }
            var cursor: UnsafePointer<UInt8>? = base
            let key = d2i_PUBKEY(nil, &cursor, buf.count)
            let consumed = cursor.map { $0 - base } ?? -1
            return (key, consumed == buf.count)
        }
        guard let pkey = parsed.0 else {
            // OpenSSL 3.0 has no ML-DSA: an RFC 9881 ML-DSA SPKI is read apart (PublicKey+MLDSA.swift).
            let message = drainOpenSSLErrors()
            if let key = try PublicKey.mlDSAKeyFromSPKI(spkiDER) {
                self.init(mlDSAKey: key)
                return
            }
            throw .invalidEncoding("not a valid SubjectPublicKeyInfo: \(message)")
        }
        guard parsed.1 else {
            EVP_PKEY_free(pkey)
            throw .invalidEncoding("trailing bytes after SubjectPublicKeyInfo")
        }
        let (kind, components) = PublicKey.classify(pkey)
        do throws(CryptoError) {
            switch (kind, components) {
            case (.unsupported(let name), _):
                throw .invalidKey("unsupported key type \(name)")
            case (.ec, _):
                try PublicKey.checkPublicPoint(pkey)
            case (.rsa, .rsa(let n, let e)?):
                try PublicKey.validateRSA(modulus: n, exponent: e)
            case (.okp, .okp?):
                break
            default:
                throw .invalidKey("could not read the key components")
            }
        } catch {
            EVP_PKEY_free(pkey)
            throw error
        }
        self.init(pkey: pkey, kind: kind, components: components)
        if case .ec(.secp256k1) = kind, secp256k1Key == nil {
            throw .invalidKey("secp256k1 point rejected by libsecp256k1")
        }
    }

    /// Imports a PEM `-----BEGIN PUBLIC KEY-----` block (SubjectPublicKeyInfo). Whitespace around and
    /// line breaks inside the base64 body are allowed; nothing else may surround the block.
    public convenience init(pem: String) throws(CryptoError) {
        let der: [UInt8]
        do {
            der = try PEMArmor.decode(pem, label: "PUBLIC KEY")
        } catch {
            throw CryptoError(error)
        }
        try self.init(spkiDER: der)
    }

    /// Imports DER SubjectPublicKeyInfo or a PEM `PUBLIC KEY` block, whichever `bytes` hold
    /// (``EncodedForm``): the one place that tells the two apart for public keys.
    ///
    /// - Throws: ``CryptoError/invalidEncoding(_:)`` for PEM text that is not UTF-8 or not one
    ///   `PUBLIC KEY` block; the errors of ``init(spkiDER:)`` for the key itself.
    public convenience init(derOrPEM bytes: [UInt8]) throws(CryptoError) {
        switch EncodedForm(of: bytes) {
        case .der:
            try self.init(spkiDER: bytes)
        case .pem:
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw .invalidEncoding("the PEM text is not valid UTF-8")
            }
            try self.init(pem: text)
        }
    }

    // MARK: - Fixed-size SPKI fast path

    /// SubjectPublicKeyInfo prefixes of the fixed-size key types (webauthn-verification.md §3.4):
    /// such an SPKI is the prefix followed by the raw point or key. Recognising them skips OpenSSL's
    /// generic decoder, which costs more than a whole signature verification.
    private static let fixedSPKIPrefixes: [(prefix: [UInt8], keyLength: Int, kind: Kind)] = [
        (PublicKey.constantBytes("3059301306072a8648ce3d020106082a8648ce3d030107034200"), 65, .ec(.p256)),
        (PublicKey.constantBytes("3076301006072a8648ce3d020106052b81040022036200"), 97, .ec(.p384)),
        (PublicKey.constantBytes("30819b301006072a8648ce3d020106052b8104002303818600"), 133, .ec(.p521)),
        (PublicKey.constantBytes("3056301006072a8648ce3d020106052b8104000a034200"), 65, .ec(.secp256k1)),
        (PublicKey.constantBytes("302a300506032b6570032100"), 32, .okp(.ed25519)),
        (PublicKey.constantBytes("3043300506032b6571033a00"), 57, .okp(.ed448)),
    ]

    /// Bytes of a hex literal written in this file (never input).
    private static func constantBytes(_ hex: StaticString) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8? = nil
        for c in hex.withUTF8Buffer({ Array($0) }) {
            let v: UInt8 = c >= 0x61 ? c - 0x61 + 10 : c - 0x30
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return out
    }

    /// The key type and raw key of an SPKI in one of the fixed-size forms, or nil.
    private static func fixedSPKI(_ der: [UInt8]) -> (kind: Kind, key: [UInt8])? {
        for entry in fixedSPKIPrefixes where der.count == entry.prefix.count + entry.keyLength {
            if der.starts(with: entry.prefix) { return (entry.kind, Array(der[entry.prefix.count...])) }
        }
        return nil
    }

    // MARK: - Validation

    /// Rejects EC points that are off the curve or at infinity (`EVP_PKEY_public_check_quick`;
    /// the supported curves have cofactor 1, so the full order check would add nothing).
    internal static func checkPublicPoint(_ pkey: OpaquePointer) throws(CryptoError) {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else {
            throw openSSLFailure("EVP_PKEY_CTX_new_from_pkey")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_public_check_quick(ctx) == 1 else {
            ERR_clear_error()
            throw .invalidKey("EC point is not a valid public key (off the curve or at infinity)")
        }
    }

    /// RSA import rules (integers already stripped of leading zeros).
    internal static func validateRSA(modulus n: [UInt8], exponent e: [UInt8]) throws(CryptoError) {
        guard let nFirst = n.first, let nLast = n.last else { throw .invalidKey("RSA modulus is zero") }
        let bits = (n.count - 1) * 8 + (8 - nFirst.leadingZeroBitCount)
        guard bits >= 1024 else { throw .invalidKey("RSA modulus of \(bits) bits is below 1024") }
        guard bits <= 16384 else { throw .invalidKey("RSA modulus of \(bits) bits exceeds 16384") }
        guard nLast & 1 == 1 else { throw .invalidKey("RSA modulus is even") }
        guard let eLast = e.last else { throw .invalidKey("RSA exponent is zero") }
        guard eLast & 1 == 1 else { throw .invalidKey("RSA exponent is even") }
        guard e.count > 1 || eLast >= 3 else { throw .invalidKey("RSA exponent is below 3") }
        // e < n (both minimal big-endian): shorter is smaller; equal length compares lexicographically.
        guard e.count < n.count || (e.count == n.count && e.lexicographicallyPrecedes(n)) else {
            throw .invalidKey("RSA exponent is not smaller than the modulus")
        }
    }
}

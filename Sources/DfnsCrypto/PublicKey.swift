import COpenSSL
import COpenSSLShims
import CSecp256k1
import DfnsLocking
import DfnsEncoding

/// An imported, validated public key. Immutable; safe to share across threads; import once, verify
/// many times.
///
/// Keys built with ``ec(curve:x:y:)``, ``okp(curve:x:)``, ``rsa(modulus:exponent:)``,
/// ``init(spkiDER:)`` or ``init(pem:)`` are validated (exact lengths, point on the curve and not the
/// point at infinity, RSA modulus of 1024...16384 bits, odd exponent >= 3).
public final class PublicKey: @unchecked Sendable {
    /// The owned `EVP_PKEY*`; never mutated after init.
    internal let pkey: OpaquePointer
    /// The key family, fixed at init.
    internal let kind: Kind
    /// The parsed libsecp256k1 key, present only for secp256k1 keys.
    internal let secp256k1Key: secp256k1_pubkey?
    /// An `EVP_MD_CTX*` on which `EVP_DigestVerifyInit` already ran with this key and the only digest
    /// its algorithms use (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512, EdDSA/none). Each
    /// verification copies it (`EVP_MD_CTX_copy_ex`, which only reads it) instead of re-running the
    /// init, which saves the per-call signature and key-management lookups (about 2 µs of ~48 µs for
    /// ES256). Nil for RSA, secp256k1 and unsupported keys, or if creating it failed.
    internal let verifyTemplate: OpaquePointer?

    /// For RSA keys: PKCS#1 v1.5 verify templates per digest, made on first use (an RSA key may
    /// serve RS256, RS384, RS512 or RS1, so none is made at import). Same role as ``verifyTemplate``.
    internal let rsaPKCS1Templates = Locked<[DigestAlgorithm: VerifyContext]>([:])

    /// An `EVP_MD_CTX*` template, only read (copied from) once made; safe to hand between threads.
    internal struct VerifyContext: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// The raw components (fixed-length EC coordinates, raw OKP key, minimal RSA integers), or nil
    /// for a key type this module does not support (possible only for keys taken from certificates).
    public let components: PublicKeyComponents?

    /// The key family as far as verification is concerned.
    internal enum Kind: Sendable, Equatable {
        case ec(EllipticCurve)
        case okp(EdwardsCurve)
        case rsa(bits: Int)
        case unsupported(String)
    }

    /// Wraps `pkey` (an `EVP_PKEY*`), taking ownership: it is freed when the key is released.
    /// Any key type is accepted; unsupported ones have nil ``components`` and verify nothing.
    internal convenience init(takingOwnershipOf pkey: OpaquePointer) {
        let (kind, components) = PublicKey.classify(pkey)
        self.init(pkey: pkey, kind: kind, components: components)
    }

    /// Designated initializer: `pkey` is owned from here on.
    private init(pkey: OpaquePointer, kind: Kind, components: PublicKeyComponents?) {
        self.pkey = pkey
        self.kind = kind
        self.components = components
        if case .ec(.secp256k1, let x, let y)? = components {
            self.secp256k1Key = PublicKey.parseSecp256k1(x: x, y: y)
        } else {
            self.secp256k1Key = nil
        }
        self.verifyTemplate = PublicKey.makeVerifyTemplate(pkey: pkey, kind: kind)
    }

    deinit {
        if let verifyTemplate { EVP_MD_CTX_free(verifyTemplate) }
        rsaPKCS1Templates.withLock { templates in
            for template in templates.values { EVP_MD_CTX_free(template.pointer) }
        }
        EVP_PKEY_free(pkey)
    }

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
    /// an EC (P-256, P-384, P-521, secp256k1), Ed25519, Ed448 or RSA key; the same validation as for
    /// components applies.
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
            case .rsa, .unsupported:
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
            throw .invalidEncoding("not a valid SubjectPublicKeyInfo: \(drainOpenSSLErrors())")
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

    // MARK: - Export and properties

    /// The DER SubjectPublicKeyInfo (empty only if OpenSSL fails to encode, which is not expected).
    public var spkiDER: [UInt8] {
        let length = i2d_PUBKEY(pkey, nil)
        guard length > 0, let count = Int(exactly: length) else {
            ERR_clear_error()
            return []
        }
        var out = [UInt8](repeating: 0, count: count)
        let written = out.withUnsafeMutableBufferPointer { buf -> Int32 in
            var cursor = buf.baseAddress
            return i2d_PUBKEY(pkey, &cursor)
        }
        guard written == length else {
            ERR_clear_error()
            return []
        }
        return out
    }

    /// The PEM `-----BEGIN PUBLIC KEY-----` encoding, 64-character lines, trailing newline.
    public var pem: String {
        PEMArmor.encode(spkiDER, label: "PUBLIC KEY")
    }

    /// The modulus size in bits for RSA keys; nil otherwise.
    public var rsaModulusBits: Int? {
        if case .rsa(let bits) = kind { return bits }
        return nil
    }

    /// True when both keys are the same key (`EVP_PKEY_eq`).
    public func isEqual(to other: PublicKey) -> Bool {
        if self === other { return true }
        let result = EVP_PKEY_eq(pkey, other.pkey)
        if result != 1 { ERR_clear_error() }
        return result == 1
    }

    // MARK: - Internals

    /// `EVP_PKEY_PUBLIC_KEY` (public key plus all parameters).
    internal static let publicKeySelection: Int32 = 0x02 | 0x04 | 0x80
    /// `EVP_PKEY_KEYPAIR` (private and public key plus all parameters).
    internal static let keyPairSelection: Int32 = 0x01 | 0x02 | 0x04 | 0x80

    /// Builds an `EVP_PKEY` with `EVP_PKEY_fromdata` from parameters pushed by `push`.
    internal static func fromData(
        type: String, selection: Int32,
        push: (OpaquePointer) throws(CryptoError) -> Void
    ) throws(CryptoError) -> OpaquePointer {
        guard let bld = OSSL_PARAM_BLD_new() else { throw openSSLFailure("OSSL_PARAM_BLD_new") }
        defer { OSSL_PARAM_BLD_free(bld) }
        try push(bld)
        guard let params = OSSL_PARAM_BLD_to_param(bld) else { throw openSSLFailure("OSSL_PARAM_BLD_to_param") }
        defer { dfns_ossl_param_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw openSSLFailure("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_fromdata_init(ctx) == 1 else { throw openSSLFailure("EVP_PKEY_fromdata_init") }
        var pkey: OpaquePointer? = nil
        let rc = EVP_PKEY_fromdata(ctx, &pkey, selection, params)
        guard rc == 1, let pkey else {
            if let pkey { EVP_PKEY_free(pkey) }
            throw .invalidKey("\(type) key rejected: \(drainOpenSSLErrors())")
        }
        return pkey
    }

    /// An `EVP_PKEY` for the uncompressed point `04 ‖ x ‖ y` on `curve`.
    ///
    /// Imports by duplicating a parameters-only key of the curve and setting the encoded point:
    /// EVP_PKEY_fromdata would rebuild the curve's group on every call (more than half the cost of an
    /// import). Setting the point decodes it with EC_POINT_oct2point, which rejects points off the
    /// curve; the fixed `04 ‖ x ‖ y` form cannot encode the point at infinity.
    internal static func importECPoint(curve: EllipticCurve, point: [UInt8]) throws(CryptoError) -> OpaquePointer {
        guard point.count == 1 + 2 * curve.coordinateLength, point.first == 0x04 else {
            throw .invalidKey("\(curve.name) point must be 04 ‖ x ‖ y of \(1 + 2 * curve.coordinateLength) bytes")
        }
        guard let template = ECKeyTemplates.template(for: curve), let pkey = EVP_PKEY_dup(template) else {
            throw openSSLFailure("EVP_PKEY_dup")
        }
        let accepted = point.withUnsafeBufferPointer { buf in
            EVP_PKEY_set1_encoded_public_key(pkey, buf.baseAddress, buf.count) == 1
        }
        guard accepted else {
            EVP_PKEY_free(pkey)
            ERR_clear_error()
            throw .invalidKey("\(curve.name) point is not on the curve")
        }
        return pkey
    }

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

    /// Parameters-only EC keys, one per curve, built once and only read afterwards (EVP_PKEY_dup of a
    /// shared key is safe from many threads).
    enum ECKeyTemplates {
        nonisolated(unsafe) private static let templates: [EllipticCurve: OpaquePointer] = {
            var result: [EllipticCurve: OpaquePointer] = [:]
            for curve in EllipticCurve.allCases {
                // EVP_PKEY_KEY_PARAMETERS (0x84): the group only.
                if let pkey = try? PublicKey.fromData(type: "EC", selection: 0x04 | 0x80, push: { (bld) throws(CryptoError) in
                    guard OSSL_PARAM_BLD_push_utf8_string(bld, ParamKey.groupName.pointer, curve.groupNameCString, 0) == 1 else {
                        throw openSSLFailure("OSSL_PARAM_BLD_push")
                    }
                }) {
                    result[curve] = pkey
                }
            }
            return result
        }()

        /// The template for `curve`, or nil if OpenSSL could not build it.
        static func template(for curve: EllipticCurve) -> OpaquePointer? { templates[curve] }
    }

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

    /// Builds ``verifyTemplate`` for keys whose algorithms all use one digest.
    private static func makeVerifyTemplate(pkey: OpaquePointer, kind: Kind) -> OpaquePointer? {
        let md: OpaquePointer?
        switch kind {
        case .ec(.p256): md = DigestAlgorithm.sha256.evpMD
        case .ec(.p384): md = DigestAlgorithm.sha384.evpMD
        case .ec(.p521): md = DigestAlgorithm.sha512.evpMD
        case .okp: md = nil
        case .ec(.secp256k1), .rsa, .unsupported: return nil
        }
        if case .ec = kind, md == nil { return nil }
        guard let ctx = EVP_MD_CTX_new() else {
            ERR_clear_error()
            return nil
        }
        guard EVP_DigestVerifyInit(ctx, nil, md, nil, pkey) == 1 else {
            EVP_MD_CTX_free(ctx)
            ERR_clear_error()
            return nil
        }
        return ctx
    }

    /// Parses an uncompressed secp256k1 point with libsecp256k1 (nil if rejected).
    private static func parseSecp256k1(x: [UInt8], y: [UInt8]) -> secp256k1_pubkey? {
        guard x.count == 32, y.count == 32, let ctx = Secp256k1Context.shared.context else { return nil }
        let encoded: [UInt8] = [0x04] + x + y
        var pub = secp256k1_pubkey()
        let ok = encoded.withUnsafeBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return 0 }
            return secp256k1_ec_pubkey_parse(ctx, &pub, base, buf.count)
        }
        return ok == 1 ? pub : nil
    }

    /// Determines the key family and components of any `EVP_PKEY`.
    internal static func classify(_ pkey: OpaquePointer) -> (Kind, PublicKeyComponents?) {
        defer { ERR_clear_error() }
        let id = EVP_PKEY_get_base_id(pkey)
        switch id {
        case EVP_PKEY_EC:
            guard let curve = ecCurve(of: pkey) else { return (.unsupported("EC (unsupported curve)"), nil) }
            guard let x = bnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X, paddedTo: curve.coordinateLength),
                  let y = bnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, paddedTo: curve.coordinateLength) else {
                return (.ec(curve), nil)
            }
            return (.ec(curve), .ec(curve, x: x, y: y))
        case EVP_PKEY_ED25519, EVP_PKEY_ED448:
            let curve: EdwardsCurve = id == EVP_PKEY_ED25519 ? .ed25519 : .ed448
            var raw = [UInt8](repeating: 0, count: curve.keyLength)
            var length = raw.count
            let ok = raw.withUnsafeMutableBufferPointer { buf -> Int32 in
                EVP_PKEY_get_raw_public_key(pkey, buf.baseAddress, &length)
            }
            guard ok == 1, length == curve.keyLength else { return (.okp(curve), nil) }
            return (.okp(curve), .okp(curve, x: raw))
        case EVP_PKEY_RSA:
            let bits = Int(EVP_PKEY_get_bits(pkey))
            guard let n = bnParam(pkey, OSSL_PKEY_PARAM_RSA_N, paddedTo: nil),
                  let e = bnParam(pkey, OSSL_PKEY_PARAM_RSA_E, paddedTo: nil) else {
                return (.rsa(bits: bits), nil)
            }
            return (.rsa(bits: bits), .rsa(modulus: n, exponent: e))
        default:
            let name = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "id \(id)"
            return (.unsupported(name), nil)
        }
    }

    /// The named curve of an EC key, if it is one of ours.
    internal static func ecCurve(of pkey: OpaquePointer) -> EllipticCurve? {
        var name = [CChar](repeating: 0, count: 80)
        var length = 0
        let ok = name.withUnsafeMutableBufferPointer { buf -> Int32 in
            EVP_PKEY_get_group_name(pkey, buf.baseAddress, buf.count, &length)
        }
        guard ok == 1, length > 0, length < name.count else { return nil }
        var nid = OBJ_sn2nid(name)
        if nid == NID_undef { nid = EC_curve_nist2nid(name) }
        return EllipticCurve(nid: nid)
    }

    /// Reads a BIGNUM parameter as big-endian bytes.
    private static func bnParam(_ pkey: OpaquePointer, _ key: String, paddedTo length: Int?) -> [UInt8]? {
        var bn: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(pkey, key, &bn) == 1, let bn else { return nil }
        defer { BN_free(bn) }
        return bignumBytes(bn, paddedTo: length)
    }
}

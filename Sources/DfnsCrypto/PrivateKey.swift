import COpenSSL
import COpenSSLShims
import CSecp256k1
import DfnsEncoding

/// A private key (EC P-256/P-384/P-521/secp256k1, Ed25519, Ed448 or RSA) held in an owned
/// `EVP_PKEY`. Immutable; safe to share across threads.
public final class PrivateKey: @unchecked Sendable {
    /// The owned `EVP_PKEY*`.
    internal let pkey: OpaquePointer
    /// The secp256k1 scalar (32 bytes) for libsecp256k1 signing; nil for other key types.
    internal let secp256k1Secret: SecretBytes?

    /// The key type.
    public let type: KeyType
    /// The matching public key.
    public let publicKey: PublicKey
    /// An `EVP_MD_CTX*` on which `EVP_DigestSignInit` already ran with this key and the only digest
    /// its algorithms use (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512, EdDSA/none). Each signature
    /// copies it (`EVP_MD_CTX_copy_ex` only reads it) instead of re-running the init and its provider
    /// lookups, the way ``PublicKey`` keeps verify templates. ECDSA nonces are drawn per signature,
    /// not stored in the context. Nil for RSA and secp256k1 keys, or if making it failed.
    internal let signTemplate: OpaquePointer?

    /// Takes ownership of `pkey`; frees it and throws when the key type is not supported.
    private init(takingOwnershipOf pkey: OpaquePointer) throws(CryptoError) {
        let derived: (KeyType, PublicKey, SecretBytes?)
        do throws(CryptoError) {
            derived = try PrivateKey.inspect(pkey)
        } catch {
            EVP_PKEY_free(pkey)
            throw error
        }
        self.pkey = pkey
        self.type = derived.0
        self.publicKey = derived.1
        self.secp256k1Secret = derived.2
        self.signTemplate = PrivateKey.makeSignTemplate(pkey: pkey, type: derived.0)
    }

    deinit {
        if let signTemplate { EVP_MD_CTX_free(signTemplate) }
        EVP_PKEY_free(pkey)
    }

    /// The sign template of ``signTemplate``, or nil when the key type has none.
    private static func makeSignTemplate(pkey: OpaquePointer, type: KeyType) -> OpaquePointer? {
        let md: OpaquePointer?
        switch type {
        case .ec(.p256): md = DigestAlgorithm.sha256.evpMD
        case .ec(.p384): md = DigestAlgorithm.sha384.evpMD
        case .ec(.p521): md = DigestAlgorithm.sha512.evpMD
        case .ed25519, .ed448: md = nil
        case .ec, .rsa: return nil
        }
        if case .ec = type, md == nil { return nil }
        guard let ctx = EVP_MD_CTX_new() else {
            ERR_clear_error()
            return nil
        }
        guard EVP_DigestSignInit(ctx, nil, md, nil, pkey) == 1 else {
            EVP_MD_CTX_free(ctx)
            ERR_clear_error()
            return nil
        }
        return ctx
    }

    // MARK: - Generation

    /// Generates a new key pair. RSA sizes must be 1024...16384 bits.
    public static func generate(_ type: KeyType) throws(CryptoError) -> PrivateKey {
        let algorithm: String
        switch type {
        case .ec: algorithm = "EC"
        case .ed25519: algorithm = "ED25519"
        case .ed448: algorithm = "ED448"
        case .rsa(let bits):
            guard (1024...16384).contains(bits) else { throw .invalidKey("RSA key size \(bits) not in 1024...16384") }
            algorithm = "RSA"
        }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, algorithm, nil) else {
            throw openSSLFailure("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw openSSLFailure("EVP_PKEY_keygen_init") }
        switch type {
        case .ec(let curve):
            guard EVP_PKEY_CTX_set_group_name(ctx, curve.groupName) == 1 else {
                throw openSSLFailure("EVP_PKEY_CTX_set_group_name")
            }
        case .rsa(let bits):
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(truncatingIfNeeded: bits)) == 1 else {
                throw openSSLFailure("EVP_PKEY_CTX_set_rsa_keygen_bits")
            }
        case .ed25519, .ed448:
            break
        }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_generate(ctx, &pkey) == 1, let pkey else { throw openSSLFailure("EVP_PKEY_generate") }
        return try PrivateKey(takingOwnershipOf: pkey)
    }

    // MARK: - Import

    /// Imports an unencrypted PEM private key: PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or
    /// PKCS#1 (`RSA PRIVATE KEY`). Encrypted PEM is rejected (no passphrase prompt is ever shown).
    public convenience init(pem: String) throws(CryptoError) {
        var bytes = Array(pem.utf8)
        defer { cleanse(&bytes) }
        try self.init(pemBytes: bytes)
    }

    /// The same from the PEM text's bytes, which go to OpenSSL's reader as they are: a caller that
    /// holds the key in bytes it wipes never needs a Swift `String` (which cannot be wiped).
    public convenience init(pemBytes bytes: [UInt8]) throws(CryptoError) {
        guard !bytes.isEmpty else { throw .invalidEncoding("empty PEM") }
        let length = try int32Length(bytes.count, "PEM")
        let pkey = bytes.withUnsafeBytes { buf -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(buf.baseAddress, length) else { return nil }
            defer { BIO_free(bio) }
            // A callback that supplies no passphrase: OpenSSL's default would read the terminal.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        guard let pkey else { throw .invalidEncoding("not an unencrypted PEM private key: \(drainOpenSSLErrors())") }
        try self.init(takingOwnershipOf: pkey)
    }

    /// Imports an unencrypted DER private key in a traditional form: SEC1 `ECPrivateKey` (with its
    /// named curve) or PKCS#1 `RSAPrivateKey` (also PKCS#8, which ``init(pkcs8DER:)`` reads more
    /// strictly), consumed exactly. Read with `d2i_AutoPrivateKey`, so the bytes never pass through
    /// PEM armour or a Swift `String`.
    public convenience init(traditionalDER der: [UInt8]) throws(CryptoError) {
        guard !der.isEmpty else { throw .invalidEncoding("empty DER private key") }
        let result = der.withUnsafeBufferPointer { buf -> (OpaquePointer?, Bool) in
            guard let base = buf.baseAddress else { return (nil, false) }
            var cursor: UnsafePointer<UInt8>? = base
            guard let pkey = d2i_AutoPrivateKey(nil, &cursor, buf.count) else { return (nil, false) }
            guard cursor.map({ $0 - base }) == buf.count else {
                EVP_PKEY_free(pkey)
                return (nil, true)
            }
            return (pkey, false)
        }
        guard let pkey = result.0 else {
            let detail = drainOpenSSLErrors()
            throw .invalidEncoding(result.1 ? "trailing bytes after the DER private key" : "not a DER private key: \(detail)")
        }
        try self.init(takingOwnershipOf: pkey)
    }

    /// Imports a DER PKCS#8 PrivateKeyInfo (unencrypted), consumed exactly.
    public convenience init(pkcs8DER: [UInt8]) throws(CryptoError) {
        guard !pkcs8DER.isEmpty else { throw .invalidEncoding("empty PKCS#8") }
        let result = pkcs8DER.withUnsafeBufferPointer { buf -> (OpaquePointer?, Bool) in
            guard let base = buf.baseAddress else { return (nil, false) }
            var cursor: UnsafePointer<UInt8>? = base
            guard let p8 = d2i_PKCS8_PRIV_KEY_INFO(nil, &cursor, buf.count) else { return (nil, false) }
            defer { PKCS8_PRIV_KEY_INFO_free(p8) }
            let exact = cursor.map { $0 - base } == buf.count
            guard exact else { return (nil, true) }
            return (EVP_PKCS82PKEY(p8), false)
        }
        guard let pkey = result.0 else {
            let detail = drainOpenSSLErrors()
            throw .invalidEncoding(result.1 ? "trailing bytes after PKCS#8" : "not a valid PKCS#8 private key: \(detail)")
        }
        try self.init(takingOwnershipOf: pkey)
    }

    /// An EC private key from its big-endian scalar (exactly `curve.coordinateLength` bytes,
    /// 0 < d < n). Intended for known-answer tests.
    public static func ec(curve: EllipticCurve, scalar: [UInt8]) throws(CryptoError) -> PrivateKey {
        guard scalar.count == curve.coordinateLength else {
            throw .invalidKey("\(curve.name) scalar must be \(curve.coordinateLength) bytes, got \(scalar.count)")
        }
        guard let group = EC_GROUP_new_by_curve_name(curve.nid) else { throw openSSLFailure("EC_GROUP_new_by_curve_name") }
        defer { EC_GROUP_free(group) }
        guard let d = BN_secure_new() else { throw openSSLFailure("BN_secure_new") }
        defer { BN_clear_free(d) }
        let length = Int32(truncatingIfNeeded: scalar.count)   // <= 66
        let converted = scalar.withUnsafeBufferPointer { buf -> Bool in
            guard let base = buf.baseAddress else { return false }
            return BN_bin2bn(base, length, d) != nil
        }
        guard converted else { throw openSSLFailure("BN_bin2bn") }
        guard let order = EC_GROUP_get0_order(group) else { throw openSSLFailure("EC_GROUP_get0_order") }
        guard BN_is_zero(d) == 0, BN_cmp(d, order) < 0 else {
            throw .invalidKey("\(curve.name) scalar is not in [1, n-1]")
        }
        guard let point = EC_POINT_new(group) else { throw openSSLFailure("EC_POINT_new") }
        defer { EC_POINT_free(point) }
        guard EC_POINT_mul(group, point, d, nil, nil, nil) == 1 else { throw openSSLFailure("EC_POINT_mul") }
        var encoded = [UInt8](repeating: 0, count: 1 + 2 * curve.coordinateLength)
        let written = encoded.withUnsafeMutableBufferPointer { buf -> Int in
            EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, buf.baseAddress, buf.count, nil)
        }
        guard written == encoded.count else { throw openSSLFailure("EC_POINT_point2oct") }
        let pkey = try encoded.withUnsafeBufferPointer { (buf) throws(CryptoError) -> OpaquePointer in
            try PublicKey.fromData(type: "EC", selection: PublicKey.keyPairSelection) { (bld) throws(CryptoError) in
                guard OSSL_PARAM_BLD_push_utf8_string(bld, ParamKey.groupName.pointer, curve.groupNameCString, 0) == 1,
                      OSSL_PARAM_BLD_push_BN(bld, ParamKey.privateKey.pointer, d) == 1,
                      OSSL_PARAM_BLD_push_octet_string(bld, ParamKey.publicKey.pointer, buf.baseAddress, buf.count) == 1
                else { throw openSSLFailure("OSSL_PARAM_BLD_push") }
            }
        }
        return try PrivateKey(takingOwnershipOf: pkey)
    }

    /// An Ed25519 private key from its 32-byte seed (RFC 8032).
    public static func ed25519(seed: [UInt8]) throws(CryptoError) -> PrivateKey {
        guard seed.count == 32 else { throw .invalidKey("Ed25519 seed must be 32 bytes, got \(seed.count)") }
        let pkey = seed.withUnsafeBufferPointer { buf -> OpaquePointer? in
            guard let base = buf.baseAddress else { return nil }
            return EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, base, buf.count)
        }
        guard let pkey else { throw openSSLFailure("EVP_PKEY_new_raw_private_key") }
        return try PrivateKey(takingOwnershipOf: pkey)
    }

    // MARK: - Export

    /// The unencrypted DER PKCS#8 PrivateKeyInfo, in wiped-on-release storage.
    public func pkcs8DER() throws(CryptoError) -> SecretBytes {
        guard let p8 = EVP_PKEY2PKCS8(pkey) else { throw openSSLFailure("EVP_PKEY2PKCS8") }
        defer { PKCS8_PRIV_KEY_INFO_free(p8) }
        let length = i2d_PKCS8_PRIV_KEY_INFO(p8, nil)
        guard length > 0, let count = Int(exactly: length) else { throw openSSLFailure("i2d_PKCS8_PRIV_KEY_INFO") }
        let out = SecretBytes(zeroedCount: count)
        let written = out.withUnsafeMutableBytes { buf -> Int32 in
            var cursor = buf.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return i2d_PKCS8_PRIV_KEY_INFO(p8, &cursor)
        }
        guard written == length else { throw openSSLFailure("i2d_PKCS8_PRIV_KEY_INFO") }
        return out
    }

    /// The unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    public func pkcs8PEM() throws(CryptoError) -> String {
        var der = try pkcs8DER().copyBytes()
        defer { cleanse(&der) }
        return PEMArmor.encode(der, label: "PRIVATE KEY")
    }

    // MARK: - Internals

    /// Classifies a private `EVP_PKEY` and derives its public key (and secp256k1 scalar).
    private static func inspect(_ pkey: OpaquePointer) throws(CryptoError) -> (KeyType, PublicKey, SecretBytes?) {
        let type: KeyType
        switch EVP_PKEY_get_base_id(pkey) {
        case EVP_PKEY_EC:
            guard let curve = PublicKey.ecCurve(of: pkey) else { throw .invalidKey("unsupported EC curve") }
            type = .ec(curve)
        case EVP_PKEY_ED25519: type = .ed25519
        case EVP_PKEY_ED448: type = .ed448
        case EVP_PKEY_RSA:
            let bits = Int(EVP_PKEY_get_bits(pkey))
            guard (1024...16384).contains(bits) else { throw .invalidKey("RSA key size \(bits) not in 1024...16384") }
            type = .rsa(bits: bits)
        default:
            let name = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "unknown"
            ERR_clear_error()
            throw .invalidKey("unsupported private key type \(name)")
        }
        // The public half, re-imported through SPKI so it gets the same validation as any public key.
        let length = i2d_PUBKEY(pkey, nil)
        guard length > 0, let count = Int(exactly: length) else { throw openSSLFailure("i2d_PUBKEY") }
        var spki = [UInt8](repeating: 0, count: count)
        let written = spki.withUnsafeMutableBufferPointer { buf -> Int32 in
            var cursor = buf.baseAddress
            return i2d_PUBKEY(pkey, &cursor)
        }
        guard written == length else { throw openSSLFailure("i2d_PUBKEY") }
        let publicKey = try PublicKey(spkiDER: spki)

        var secret: SecretBytes? = nil
        if case .ec(.secp256k1) = type {
            var bn: OpaquePointer? = nil
            guard EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) == 1, let bn else {
                throw openSSLFailure("secp256k1 private scalar")
            }
            defer { BN_clear_free(bn) }
            let scalar = SecretBytes(zeroedCount: 32)
            let ok = scalar.withUnsafeMutableBytes { buf -> Bool in
                guard let base = buf.baseAddress?.assumingMemoryBound(to: UInt8.self),
                      BN_bn2binpad(bn, base, 32) == 32,
                      let ctx = Secp256k1Context.shared.context else { return false }
                return secp256k1_ec_seckey_verify(ctx, base) == 1
            }
            guard ok else {
                ERR_clear_error()
                throw .invalidKey("secp256k1 private scalar rejected")
            }
            secret = scalar
        }
        return (type, publicKey, secret)
    }
}

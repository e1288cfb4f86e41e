import COpenSSL
import CSecp256k1
import DfnsLocking

/// An imported, validated public key. Immutable; safe to share across threads; import once, verify
/// many times.
///
/// Keys built with ``ec(curve:x:y:)``, ``okp(curve:x:)``, ``rsa(modulus:exponent:)``,
/// ``init(spkiDER:)`` or ``init(pem:)`` are validated (exact lengths, point on the curve and not the
/// point at infinity, RSA modulus of 1024...16384 bits, odd exponent >= 3). ML-DSA keys
/// (``mlDSA(_:publicKey:)``) are held by swift-crypto, not OpenSSL 3.0, which has no ML-DSA.
///
/// The type is split by concern: imports in `PublicKey+Import.swift`, exports in
/// `PublicKey+Export.swift`, the `EVP_PKEY` plumbing shared with ``PrivateKey`` in
/// `PublicKey+EVP.swift`, and verification in `PublicKey+Verification.swift` and
/// `PublicKey+DigestVerification.swift`; ML-DSA in `PublicKey+MLDSA.swift`.
public final class PublicKey: @unchecked Sendable {
    /// The owned `EVP_PKEY*`; never mutated after init. Nil only for ML-DSA keys (``mlDSAKey``).
    internal let pkey: OpaquePointer?
    /// The swift-crypto key of an ML-DSA key; nil for every other key.
    internal let mlDSAKey: MLDSAPublicKey?
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
        case mlDSA(MLDSAParameterSet)
        case unsupported(String)
    }

    /// Wraps `pkey` (an `EVP_PKEY*`), taking ownership: it is freed when the key is released.
    /// Any key type is accepted; unsupported ones have nil ``components`` and verify nothing.
    internal convenience init(takingOwnershipOf pkey: OpaquePointer) {
        let (kind, components) = PublicKey.classify(pkey)
        self.init(pkey: pkey, kind: kind, components: components)
    }

    /// Designated initializer: `pkey` is owned from here on. Called by the importers
    /// (`PublicKey+Import.swift`) once the key has been validated.
    internal init(pkey: OpaquePointer, kind: Kind, components: PublicKeyComponents?) {
        self.pkey = pkey
        self.mlDSAKey = nil
        self.kind = kind
        self.components = components
        if case .ec(.secp256k1, let x, let y)? = components {
            self.secp256k1Key = PublicKey.parseSecp256k1(x: x, y: y)
        } else {
            self.secp256k1Key = nil
        }
        self.verifyTemplate = PublicKey.makeVerifyTemplate(pkey: pkey, kind: kind)
    }

    /// An ML-DSA key: no `EVP_PKEY`, no verify template.
    internal init(mlDSAKey: MLDSAPublicKey) {
        self.pkey = nil
        self.mlDSAKey = mlDSAKey
        self.kind = .mlDSA(mlDSAKey.parameterSet)
        self.components = .mlDSA(mlDSAKey.parameterSet, publicKey: mlDSAKey.rawRepresentation)
        self.secp256k1Key = nil
        self.verifyTemplate = nil
    }

    deinit {
        if let verifyTemplate { EVP_MD_CTX_free(verifyTemplate) }
        rsaPKCS1Templates.withLock { templates in
            for template in templates.values { EVP_MD_CTX_free(template.pointer) }
        }
        if let pkey { EVP_PKEY_free(pkey) }
    }

    /// The modulus size in bits for RSA keys; nil otherwise.
    public var rsaModulusBits: Int? {
        if case .rsa(let bits) = kind { return bits }
        return nil
    }

    /// True when both keys are the same key (`EVP_PKEY_eq`; ML-DSA keys: the same parameter set
    /// and encoding).
    public func isEqual(to other: PublicKey) -> Bool {
        if self === other { return true }
        guard let pkey, let otherPKey = other.pkey else {
            guard let mine = mlDSAKey, let theirs = other.mlDSAKey else { return false }
            return mine.parameterSet == theirs.parameterSet && mine.rawRepresentation == theirs.rawRepresentation
        }
        let result = EVP_PKEY_eq(pkey, otherPKey)
        if result != 1 { ERR_clear_error() }
        return result == 1
    }

    // MARK: - Construction internals

    /// Builds ``verifyTemplate`` for keys whose algorithms all use one digest.
    private static func makeVerifyTemplate(pkey: OpaquePointer, kind: Kind) -> OpaquePointer? {
        let md: OpaquePointer?
        switch kind {
        case .ec(.p256): md = DigestAlgorithm.sha256.evpMD
        case .ec(.p384): md = DigestAlgorithm.sha384.evpMD
        case .ec(.p521): md = DigestAlgorithm.sha512.evpMD
        case .okp: md = nil
        case .ec(.secp256k1), .rsa, .mlDSA, .unsupported: return nil
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
}

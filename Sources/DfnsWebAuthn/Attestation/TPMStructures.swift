import DfnsCrypto
import DfnsEncoding

/// TPM 2.0 algorithm identifiers (TCG Algorithm Registry) used by `tpm` attestation.
enum TPMAlgorithmID {
    /// TPM_ALG_RSA.
    static let rsa: UInt16 = 0x0001
    /// TPM_ALG_SHA1.
    static let sha1: UInt16 = 0x0004
    /// TPM_ALG_SHA256.
    static let sha256: UInt16 = 0x000B
    /// TPM_ALG_SHA384.
    static let sha384: UInt16 = 0x000C
    /// TPM_ALG_SHA512.
    static let sha512: UInt16 = 0x000D
    /// TPM_ALG_NULL.
    static let null: UInt16 = 0x0010
    /// TPM_ALG_RSASSA (PKCS#1 v1.5 signatures).
    static let rsassa: UInt16 = 0x0014
    /// TPM_ALG_RSAPSS.
    static let rsapss: UInt16 = 0x0016
    /// TPM_ALG_ECDSA.
    static let ecdsa: UInt16 = 0x0018
    /// TPM_ALG_ECC.
    static let ecc: UInt16 = 0x0023

    /// The digest for a TPM hash algorithm ID, or nil for hashes WebAuthn does not use (SM3_256, ...).
    static func digest(_ id: UInt16) -> DigestAlgorithm? {
        switch id {
        case sha1: return .sha1
        case sha256: return .sha256
        case sha384: return .sha384
        case sha512: return .sha512
        default: return nil
        }
    }

    /// `0x000b` style rendering for messages.
    static func hex(_ value: UInt16) -> String {
        "0x" + Hex.encode(integer: value)
    }

    /// `0x00040072` style rendering for messages.
    static func hex(_ value: UInt32) -> String {
        "0x" + Hex.encode(integer: value)
    }
}

/// A bounds-checked big-endian reader over a TPM structure. Every read checks the remaining length
/// first, so hostile input can only produce an error, never a trap.
struct TPMReader {
    private let bytes: [UInt8]
    private(set) var offset: Int = 0
    /// The structure name used in error messages (`certInfo`, `pubArea`).
    let structure: String

    /// Creates a reader positioned at the start of `bytes`.
    init(_ bytes: [UInt8], structure: String) {
        self.bytes = bytes
        self.structure = structure
    }

    /// Bytes not read yet.
    var remaining: Int { bytes.count - offset }

    /// Reads `count` raw bytes.
    mutating func read(_ count: Int, _ field: String) throws(WebAuthnError) -> [UInt8] {
        guard count >= 0, remaining >= count else {
            throw WebAuthnError(.malformedAttestationStatement,
                                "tpm \(structure) ends inside \(field): needed \(count) bytes at offset \(offset), found \(remaining)")
        }
        let value = Array(bytes[offset..<offset + count])
        offset += count
        return value
    }

    /// Reads a big-endian UInt16.
    mutating func uint16(_ field: String) throws(WebAuthnError) -> UInt16 {
        let b = try read(2, field)
        return UInt16(b[0]) << 8 | UInt16(b[1])
    }

    /// Reads a big-endian UInt32.
    mutating func uint32(_ field: String) throws(WebAuthnError) -> UInt32 {
        let b = try read(4, field)
        return b.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// Reads a big-endian UInt64.
    mutating func uint64(_ field: String) throws(WebAuthnError) -> UInt64 {
        let b = try read(8, field)
        return b.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// Reads a TPM2B structure: a UInt16 size followed by that many bytes.
    mutating func sized(_ field: String) throws(WebAuthnError) -> [UInt8] {
        let size = try uint16("the size of \(field)")
        return try read(Int(size), field)
    }

    /// Requires that the whole buffer was consumed ([hardening]: no trailing bytes).
    func finish() throws(WebAuthnError) {
        guard remaining == 0 else {
            throw WebAuthnError(.trailingBytes,
                                "tpm \(structure) must end after its last field at offset \(offset), found \(remaining) more bytes")
        }
    }
}

/// TPMS_ATTEST as carried in `certInfo` (TPM 2.0 Part 2 §10.12.12), restricted to
/// TPM_ST_ATTEST_CERTIFY, the only type WebAuthn accepts.
struct TPMSAttest: Sendable {
    /// TPM_GENERATED_VALUE, `FF 54 43 47`.
    static let generatedValue: UInt32 = 0xFF54_4347
    /// TPM_ST_ATTEST_CERTIFY.
    static let attestCertify: UInt16 = 0x8017

    /// The qualified name of the signing key (may be obfuscated; ignored by WebAuthn).
    let qualifiedSigner: [UInt8]
    /// The caller-supplied data: must be the hash of `authData ‖ clientDataHash`.
    let extraData: [UInt8]
    /// TPMS_CLOCK_INFO.clock (ignored).
    let clock: UInt64
    /// TPMS_CLOCK_INFO.resetCount (ignored).
    let resetCount: UInt32
    /// TPMS_CLOCK_INFO.restartCount (ignored).
    let restartCount: UInt32
    /// TPMS_CLOCK_INFO.safe (ignored).
    let safe: UInt8
    /// The TPM firmware version (ignored; may be obfuscated).
    let firmwareVersion: UInt64
    /// TPMS_CERTIFY_INFO.name: `nameAlg ‖ H(pubArea)` of the certified key.
    let attestedName: [UInt8]
    /// TPMS_CERTIFY_INFO.qualifiedName (ignored).
    let attestedQualifiedName: [UInt8]

    /// Parses `certInfo`, checking `magic` and `type` and requiring exact consumption.
    init(parsing bytes: [UInt8]) throws(WebAuthnError) {
        var reader = TPMReader(bytes, structure: "certInfo")
        let magic = try reader.uint32("magic")
        guard magic == TPMSAttest.generatedValue else {
            throw WebAuthnError(.malformedAttestationStatement,
                                "tpm certInfo magic must be TPM_GENERATED_VALUE 0xff544347, found \(TPMAlgorithmID.hex(magic))")
        }
        let type = try reader.uint16("type")
        guard type == TPMSAttest.attestCertify else {
            throw WebAuthnError(.malformedAttestationStatement,
                                "tpm certInfo type must be TPM_ST_ATTEST_CERTIFY 0x8017, found \(TPMAlgorithmID.hex(type))")
        }
        qualifiedSigner = try reader.sized("qualifiedSigner")
        extraData = try reader.sized("extraData")
        clock = try reader.uint64("clockInfo.clock")
        resetCount = try reader.uint32("clockInfo.resetCount")
        restartCount = try reader.uint32("clockInfo.restartCount")
        safe = try reader.read(1, "clockInfo.safe")[0]
        firmwareVersion = try reader.uint64("firmwareVersion")
        attestedName = try reader.sized("attested.name")
        attestedQualifiedName = try reader.sized("attested.qualifiedName")
        try reader.finish()
    }
}

/// TPMT_PUBLIC as carried in `pubArea` (TPM 2.0 Part 2 §12.2.4), for RSA and ECC signing keys.
///
/// Parameters are parsed by their variable-length definitions (a scheme other than TPM_ALG_NULL
/// carries a hash algorithm), so keys with RSASSA/RSAPSS/ECDSA schemes parse correctly, and the whole
/// buffer must be consumed.
struct TPMTPublic: Sendable {
    /// TPMA_OBJECT `sign` (bit 18).
    static let signAttribute: UInt32 = 1 << 18
    /// TPMA_OBJECT reserved bits (0, 3, 8–9, 12–15, 19–31), which must be zero.
    static let reservedAttributes: UInt32 = 0xFFF8_F309

    /// The key's parameters and public value.
    enum Key: Sendable, Equatable {
        /// An RSA key: `exponent` is the raw TPM value (0 means 65537), `modulus` the `unique` bytes.
        case rsa(keyBits: UInt16, exponent: UInt32, modulus: [UInt8])
        /// An ECC key on `curveID` with point (`x`, `y`) as carried in `unique`.
        case ecc(curveID: UInt16, x: [UInt8], y: [UInt8])
    }

    /// The exact bytes that were parsed (the attested name hashes these).
    let rawBytes: [UInt8]
    /// TPMI_ALG_PUBLIC: RSA or ECC.
    let type: UInt16
    /// The hash algorithm of the object's name.
    let nameAlg: UInt16
    /// TPMA_OBJECT.
    let objectAttributes: UInt32
    /// The authorization policy digest (may be empty).
    let authPolicy: [UInt8]
    /// The signing scheme (TPM_ALG_NULL when the key is not restricted to one).
    let scheme: UInt16
    /// The key.
    let key: Key

    /// Parses `pubArea`, requiring exact consumption, a known nameAlg, the `sign` attribute, zero
    /// reserved attribute bits, a NULL symmetric algorithm and a signing (or NULL) scheme.
    init(parsing bytes: [UInt8]) throws(WebAuthnError) {
        var reader = TPMReader(bytes, structure: "pubArea")
        rawBytes = bytes
        type = try reader.uint16("type")
        guard type == TPMAlgorithmID.rsa || type == TPMAlgorithmID.ecc else {
            throw WebAuthnError(.malformedAttestationStatement,
                                "tpm pubArea type must be TPM_ALG_RSA 0x0001 or TPM_ALG_ECC 0x0023, found \(TPMAlgorithmID.hex(type))")
        }
        nameAlg = try reader.uint16("nameAlg")
        guard TPMAlgorithmID.digest(nameAlg) != nil else {
            throw WebAuthnError(.malformedAttestationStatement,
                                "tpm pubArea nameAlg must be SHA-1, SHA-256, SHA-384 or SHA-512 (0x0004, 0x000b, 0x000c, 0x000d), found \(TPMAlgorithmID.hex(nameAlg))")
        }
        objectAttributes = try reader.uint32("objectAttributes")
        guard objectAttributes & TPMTPublic.signAttribute != 0 else {
            throw WebAuthnError(.malformedAttestationStatement,
                                "tpm pubArea objectAttributes must have the sign bit (18) set, found \(TPMAlgorithmID.hex(objectAttributes))")
        }
        guard objectAttributes & TPMTPublic.reservedAttributes == 0 else {
            throw WebAuthnError(.malformedAttestationStatement,
                                "tpm pubArea objectAttributes must have reserved bits clear, found \(TPMAlgorithmID.hex(objectAttributes))")
        }
        authPolicy = try reader.sized("authPolicy")

        // TPMT_SYM_DEF_OBJECT: a signing key has no symmetric algorithm.
        let symmetric = try reader.uint16("parameters.symmetric")
        guard symmetric == TPMAlgorithmID.null else {
            throw WebAuthnError(.malformedAttestationStatement,
                                "tpm pubArea parameters.symmetric must be TPM_ALG_NULL 0x0010 for a signing key, found \(TPMAlgorithmID.hex(symmetric))")
        }

        // TPM 2.0 says a scheme other than TPM_ALG_NULL carries a hashAlg. Some encoders (the
        // fixed-layout parsers of several relying-party libraries, and the test data written for
        // them) omit it. The layout is tried as specified first; only when that does not consume
        // pubArea exactly is the hashAlg-less layout tried. pubArea is hashed into attested.name,
        // which the AIK signs, so either reading describes bytes the TPM vouched for.
        let afterSymmetric = reader
        var parsed: (scheme: UInt16, key: Key)
        do {
            parsed = try TPMTPublic.parseParameters(type: type, reader: &reader, schemeCarriesHash: true)
            try reader.finish()
        } catch let specified {
            reader = afterSymmetric
            guard let lenient = try? TPMTPublic.parseParameters(type: type, reader: &reader, schemeCarriesHash: false),
                  lenient.scheme != TPMAlgorithmID.null, (try? reader.finish()) != nil else {
                throw specified
            }
            parsed = lenient
        }
        scheme = parsed.scheme
        key = parsed.key
    }

    /// Reads TPMS_RSA_PARMS or TPMS_ECC_PARMS after the symmetric algorithm, then `unique`.
    private static func parseParameters(type: UInt16, reader: inout TPMReader, schemeCarriesHash: Bool) throws(WebAuthnError) -> (scheme: UInt16, key: Key) {
        if type == TPMAlgorithmID.rsa {
            // TPMS_RSA_PARMS: symmetric, scheme (+ hashAlg unless NULL), keyBits, exponent.
            let scheme = try reader.uint16("parameters.scheme")
            switch scheme {
            case TPMAlgorithmID.null:
                break
            case TPMAlgorithmID.rsassa, TPMAlgorithmID.rsapss:
                if schemeCarriesHash { _ = try reader.uint16("parameters.scheme.hashAlg") }
            default:
                throw WebAuthnError(.malformedAttestationStatement,
                                    "tpm pubArea RSA scheme must be TPM_ALG_NULL, RSASSA or RSAPSS (0x0010, 0x0014, 0x0016), found \(TPMAlgorithmID.hex(scheme))")
            }
            let keyBits = try reader.uint16("parameters.keyBits")
            let exponent = try reader.uint32("parameters.exponent")
            let modulus = try reader.sized("unique (RSA modulus)")
            return (scheme, .rsa(keyBits: keyBits, exponent: exponent, modulus: modulus))
        }
        // TPMS_ECC_PARMS: symmetric, scheme (+ hashAlg unless NULL), curveID, kdf (+ hashAlg unless NULL).
        let scheme = try reader.uint16("parameters.scheme")
        switch scheme {
        case TPMAlgorithmID.null:
            break
        case TPMAlgorithmID.ecdsa:
            if schemeCarriesHash { _ = try reader.uint16("parameters.scheme.hashAlg") }
        default:
            throw WebAuthnError(.malformedAttestationStatement,
                                "tpm pubArea ECC scheme must be TPM_ALG_NULL 0x0010 or TPM_ALG_ECDSA 0x0018, found \(TPMAlgorithmID.hex(scheme))")
        }
        let curveID = try reader.uint16("parameters.curveID")
        let kdf = try reader.uint16("parameters.kdf")
        if kdf != TPMAlgorithmID.null && schemeCarriesHash {
            _ = try reader.uint16("parameters.kdf.hashAlg")
        }
        let x = try reader.sized("unique.x")
        let y = try reader.sized("unique.y")
        return (scheme, .ecc(curveID: curveID, x: x, y: y))
    }

    /// The TPM2B_NAME contents of this object: `nameAlg` (2 bytes, big-endian) ‖ H_nameAlg(pubArea).
    var name: [UInt8] {
        guard let digest = TPMAlgorithmID.digest(nameAlg) else { return [] }
        return [UInt8(truncatingIfNeeded: nameAlg >> 8), UInt8(truncatingIfNeeded: nameAlg)] + digest.hash(rawBytes)
    }

    /// The WebAuthn curve for a TPM_ECC_CURVE, or nil for curves WebAuthn does not use
    /// (BN_P256, BN_P638, SM2_P256, ...).
    static func curve(forTPMCurve id: UInt16) -> EllipticCurve? {
        switch id {
        case 0x0003: return .p256
        case 0x0004: return .p384
        case 0x0005: return .p521
        default: return nil
        }
    }
}

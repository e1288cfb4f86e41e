import CDfnsBridgeAPI
import DfnsClient
import DfnsCrypto
import DfnsEncoding

// Reading keys and secrets that C callers pass to the signer entry points. Every byte copy of a
// secret the library makes here is wiped (`zeroize`) or held in `SecretBytes`, which wipes itself.

enum SignerMaterial {
    /// The bytes of secret argument `name` (a password, a recovery code, a webhook secret), in
    /// wiped-on-release storage; the intermediate copy is wiped before returning.
    static func secret(_ pointer: UnsafePointer<UInt8>?, _ len: Int, _ name: String) throws(BridgeError) -> SecretBytes {
        var copy = try Arguments.bytes(pointer, len, name)
        defer { zeroize(&copy) }
        return SecretBytes(copy)
    }

    /// An optional NUL-terminated string argument: nil when `pointer` is NULL, else a non-empty
    /// valid UTF-8 string.
    static func optionalString(_ pointer: UnsafePointer<CChar>?, _ name: String) throws(BridgeError) -> String? {
        guard pointer != nil else { return nil }
        return try Arguments.string(pointer, name)
    }

    /// The DER inside a PKCS#8 `PRIVATE KEY` PEM block, decoded without a Swift `String` (the
    /// caller wipes it), or nil when `bytes` is another block or not plain base64 between the
    /// BEGIN and END lines (then the PEM goes to OpenSSL's reader, which reports what is wrong).
    static func pkcs8DER(fromPEM bytes: [UInt8]) -> [UInt8]? {
        let begin = Array("-----BEGIN PRIVATE KEY-----".utf8)
        let end = Array("-----END PRIVATE KEY-----".utf8)
        var index = bytes.firstIndex { !(0x20 == $0 || 0x09 == $0 || 0x0A == $0 || 0x0D == $0) } ?? bytes.count
        guard bytes[index...].starts(with: begin) else { return nil }
        index += begin.count
        var der: [UInt8] = []
        der.reserveCapacity(bytes.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "-") {
                guard bytes[index...].starts(with: end) else { break }
                // Whole quanta only: 4 characters per 3 bytes, padding included.
                guard (bits == 0 && padding == 0) || (bits == 2 && padding == 1) || (bits == 4 && padding == 2) else { break }
                return der
            }
            index += 1
            let value: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            case 0x20, 0x09, 0x0A, 0x0D: continue
            default:
                zeroize(&der)
                return nil
            }
            guard padding == 0 else { break }
            accumulator = (accumulator << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                der.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        zeroize(&der)
        return nil
    }

    /// A Key credential from the private key argument `name` (PEM or DER). The library's copies of
    /// the bytes are wiped before returning. A PKCS#8 PEM block is decoded here into wiped bytes; a
    /// SEC1 or PKCS#1 block goes to OpenSSL's PEM reader as bytes; no Swift `String` is made of it.
    static func keyCredential(_ pointer: UnsafePointer<UInt8>?, _ len: Int, _ name: String,
                              credentialId: String?) throws(BridgeError) -> KeyCredential {
        var bytes = try Arguments.bytes(pointer, len, name)
        defer { zeroize(&bytes) }
        guard !bytes.isEmpty else { throw .argument("\(name) is empty") }
        if var der = pkcs8DER(fromPEM: bytes) {
            defer { zeroize(&der) }
            guard !der.isEmpty else { throw BridgeError(DFNS_ERR_MALFORMED_ENCODING, "\(name) is an empty PEM block") }
            return try signerCall { () throws(SignerError) in try KeyCredential(privateKeyDER: der, credentialId: credentialId) }
        }
        if EncodedForm(of: bytes) == .pem {
            guard !bytes.contains(0) else {
                throw BridgeError(DFNS_ERR_MALFORMED_ENCODING, "\(name) is neither DER (no SEQUENCE) nor PEM text (it has a NUL byte)")
            }
            return try signerCall { () throws(SignerError) in try KeyCredential(privateKeyPEMBytes: bytes, credentialId: credentialId) }
        }
        return try signerCall { () throws(SignerError) in try KeyCredential(privateKeyDER: bytes, credentialId: credentialId) }
    }

    /// A public key from argument `name`: PEM "PUBLIC KEY" text or DER SubjectPublicKeyInfo.
    static func publicKey(_ pointer: UnsafePointer<UInt8>?, _ len: Int, _ name: String) throws(BridgeError) -> PublicKey {
        let bytes = try Arguments.bytes(pointer, len, name)
        guard !bytes.isEmpty else { throw .argument("\(name) is empty") }
        return try crypto { () throws(CryptoError) in try PublicKey(derOrPEM: bytes) }
    }

    /// The `dfns_key_kind` value of a credential kind.
    static func cValue(_ kind: KeyCredentialKind) -> Int32 {
        switch kind {
        case .ed25519: return Int32(bitPattern: DFNS_KEY_ED25519.rawValue)
        case .p256: return Int32(bitPattern: DFNS_KEY_P256.rawValue)
        case .secp256k1: return Int32(bitPattern: DFNS_KEY_SECP256K1.rawValue)
        case .rsa: return Int32(bitPattern: DFNS_KEY_RSA.rawValue)
        }
    }

    /// The credential kind of `dfns_key_kind` argument `value`.
    static func keyKind(_ value: Int32, _ name: String) throws(BridgeError) -> KeyCredentialKind {
        switch dfns_key_kind(rawValue: UInt32(bitPattern: value)) {
        case DFNS_KEY_ED25519: return .ed25519
        case DFNS_KEY_P256: return .p256
        case DFNS_KEY_SECP256K1: return .secp256k1
        case DFNS_KEY_RSA: return .rsa
        default: throw .argument("\(name) \(value) is not a dfns_key_kind")
        }
    }
}

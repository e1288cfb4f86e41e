import CDfnsBridgeAPI
import DfnsCrypto
import DfnsWebAuthn
import DfnsLocking

// Public keys (include/dfns_bridge.h, "Public keys").

/// A `dfns_public_key_t`: an imported credential public key and its encodings, copied into
/// malloc'd memory for the borrowed getters. Immutable; shared across threads.
///
/// The COSE bytes are copied at import. The SPKI and PEM encodings are made on first use and
/// cached: OpenSSL 3's encoders cost several times a whole verification, and most hosts import a
/// key only to verify with it.
final class PublicKeyBox: HandleBox {
    override class var typeName: String { "dfns_public_key_t" }

    let key: CredentialPublicKey
    let cose: CBuffer
    private let spkiCache = Locked<CBuffer?>(nil)
    private let pemCache = Locked<CString?>(nil)

    init(_ key: CredentialPublicKey) throws(BridgeError) {
        self.key = key
        self.cose = try CBuffer(key.coseBytes)
    }

    /// The DER SubjectPublicKeyInfo, encoded once.
    func spki() throws(BridgeError) -> CBuffer {
        try spkiCache.withLock { (cache) throws(BridgeError) -> CBuffer in
            if let cached = cache { return cached }
            let der = key.spkiDER
            guard !der.isEmpty else { throw BridgeError(DFNS_ERR_INTERNAL, "the key cannot be encoded as SubjectPublicKeyInfo") }
            let buffer = try CBuffer(der)
            cache = buffer
            return buffer
        }
    }

    /// The PEM "PUBLIC KEY" block, encoded once.
    func pem() throws(BridgeError) -> CString {
        try pemCache.withLock { (cache) throws(BridgeError) -> CString in
            if let cached = cache { return cached }
            let text = key.publicKey.pem
            guard !text.isEmpty else { throw BridgeError(DFNS_ERR_INTERNAL, "the key cannot be encoded as PEM") }
            let string = try CString(text)
            cache = string
            return string
        }
    }
}

@c @implementation
public func dfns_public_key_parse_cose(_ cose: UnsafePointer<UInt8>?, _ cose_len: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_public_key_parse_cose") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let bytes = try Arguments.bytes(cose, cose_len, "cose")
        let key = try webAuthn { () throws(WebAuthnError) in try CredentialPublicKey(coseBytes: bytes) }
        out.pointee = Handle.retained(try PublicKeyBox(key))
    }
}

@c @implementation
public func dfns_public_key_parse_spki(_ data: UnsafePointer<UInt8>?, _ len: Int, _ alg: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_public_key_parse_spki") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let bytes = try Arguments.bytes(data, len, "data")
        guard let algorithm = COSEAlgorithm(rawValue: Int64(alg)) else {
            throw BridgeError(DFNS_ERR_UNSUPPORTED_ALGORITHM, "alg \(alg) is not a dfns_cose_alg")
        }
        let publicKey = try crypto { () throws(CryptoError) in try PublicKey(derOrPEM: bytes) }
        let key: CredentialPublicKey
        do throws(WebAuthnError) {
            key = try CredentialPublicKey(publicKey: publicKey, algorithm: algorithm)
        } catch {
            // The key itself was validated above: what remains is an algorithm that does not fit it.
            throw BridgeError(DFNS_ERR_UNSUPPORTED_ALGORITHM, error.description)
        }
        out.pointee = Handle.retained(try PublicKeyBox(key))
    }
}

@c @implementation
public func dfns_public_key_free(_ key: UnsafeMutablePointer<OpaquePointer?>?) {
    Handle.release(key, as: PublicKeyBox.self)
}

@c @implementation
public func dfns_public_key_alg(_ key: OpaquePointer?) -> Int32 {
    var alg: Int32 = 0
    _ = guarded("dfns_public_key_alg") { () throws(BridgeError) in
        let box = try Handle.borrow(key, as: PublicKeyBox.self, name: "key")
        alg = Int32(exactly: box.key.algorithm.rawValue) ?? 0
    }
    return alg
}

@c @implementation
public func dfns_public_key_algorithm(_ key: OpaquePointer?, _ alg: UnsafeMutablePointer<Int32>?) -> Int32 {
    scalar("dfns_public_key_algorithm", alg, zero: 0) { () throws(BridgeError) in
        let box = try Handle.borrow(key, as: PublicKeyBox.self, name: "key")
        // Every COSEAlgorithm the library knows fits in 32 bits (COSE registers small integers).
        return Int32(exactly: box.key.algorithm.rawValue) ?? 0
    }
}

@c @implementation
public func dfns_public_key_cose(_ key: OpaquePointer?, _ ptr: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ len: UnsafeMutablePointer<Int>?) -> Int32 {
    borrowedBytes("dfns_public_key_cose", ptr, len) { () throws(BridgeError) in
        try Handle.borrow(key, as: PublicKeyBox.self, name: "key").cose
    }
}

@c @implementation
public func dfns_public_key_spki(_ key: OpaquePointer?, _ ptr: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ len: UnsafeMutablePointer<Int>?) -> Int32 {
    borrowedBytes("dfns_public_key_spki", ptr, len) { () throws(BridgeError) in
        try Handle.borrow(key, as: PublicKeyBox.self, name: "key").spki()
    }
}

@c @implementation
public func dfns_public_key_pem(_ key: OpaquePointer?, _ pem: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    borrowedString("dfns_public_key_pem", pem) { () throws(BridgeError) in
        try Handle.borrow(key, as: PublicKeyBox.self, name: "key").pem()
    }
}

@c @implementation
public func dfns_public_key_verify(_ key: OpaquePointer?, _ message: UnsafePointer<UInt8>?, _ message_len: Int, _ signature: UnsafePointer<UInt8>?, _ signature_len: Int) -> Int32 {
    guarded("dfns_public_key_verify") { () throws(BridgeError) in
        let box = try Handle.borrow(key, as: PublicKeyBox.self, name: "key")
        let message = try Arguments.bytes(message, message_len, "message")
        let signature = try Arguments.bytes(signature, signature_len, "signature")
        guard !signature.isEmpty else { throw BridgeError(DFNS_ERR_SIGNATURE_INVALID, "the signature is empty") }
        try crypto { () throws(CryptoError) in
            try box.key.publicKey.verify(signature: signature, message: message, algorithm: box.key.algorithm, allowSHA1: false)
        }
    }
}

// MARK: - Borrowed getters shared by every handle family

/// A borrowed-bytes getter: validates the outputs, sets them to NULL/0, then writes the buffer
/// `get` returns (nil: NULL/0, "none").
func borrowedBytes(_ function: StaticString, _ ptr: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ len: UnsafeMutablePointer<Int>?,
                   _ get: () throws(BridgeError) -> CBuffer?) -> Int32 {
    ptr?.pointee = nil
    len?.pointee = 0
    return guarded(function) { () throws(BridgeError) in
        let ptr = try Arguments.output(ptr, "ptr")
        let len = try Arguments.output(len, "len")
        try get()?.write(to: ptr, len)
    }
}

/// A borrowed-string getter.
func borrowedString(_ function: StaticString, _ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                    _ get: () throws(BridgeError) -> CString) -> Int32 {
    out?.pointee = nil
    return guarded(function) { () throws(BridgeError) in
        let out = try Arguments.output(out, "output")
        out.pointee = UnsafePointer(try get().pointer)
    }
}

/// A scalar getter: writes `zero` first, then the value `get` returns.
func scalar<T>(_ function: StaticString, _ out: UnsafeMutablePointer<T>?, zero: T, _ get: () throws(BridgeError) -> T) -> Int32 {
    out?.pointee = zero
    return guarded(function) { () throws(BridgeError) in
        let out = try Arguments.output(out, "output")
        out.pointee = try get()
    }
}

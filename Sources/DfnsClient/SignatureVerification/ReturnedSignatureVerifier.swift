import DfnsCrypto
import DfnsEncoding

/// Verifies the signatures Dfns returns from `POST /keys/{keyId}/signatures` (and the older wallet
/// signature endpoints) against the key's `publicKey`, so that a host never forwards a signature
/// that is not by its key over its data (reference/dfns-protocol.md §8.3, §15.1).
///
/// Inputs are the strings of the response's `signature` object: `r` and `s` (`0x`-prefixed hex, the
/// prefix optional), `recid` (0 or 1), `encoded` (hex, optional), and the key's `publicKey` hex.
/// What was signed is the caller's to give:
/// - ECDSA (secp256k1, P-256): the 32-byte digest that was signed: the `hash` of a `Hash` request,
///   or the digest the blockchain kind defines for other requests (e.g. the EIP-191 Keccak-256 hash
///   of an EVM `Message`);
/// - Ed25519: the message bytes themselves (the `message` of a `Message` request).
///
/// `encoded`, when given, must describe the same signature: for ECDSA either DER, or `r ‖ s`, or
/// (secp256k1) `r ‖ s ‖ v` with `v` the recovery id or 27 + it; for Ed25519 `r ‖ s`. Its exact form
/// per blockchain kind is UNCONFIRMED, so a caller that meets another form passes nil.
public enum ReturnedSignatureVerifier {
    /// Verifies a secp256k1 ECDSA signature over `digest`.
    ///
    /// With `recid`, the public key is recovered from (`digest`, `r`, `s`, `recid`) with
    /// libsecp256k1's recovery module and must equal the key's public key (what an EVM contract or
    /// node will do with the signature; recovering exactly that key proves the signature valid for
    /// it). Without `recid`, it is verified directly.
    ///
    /// High-S signatures are refused (``ReturnedSignatureError/highS``) unless `allowHighS`: Dfns
    /// returns low-S signatures, and EVM (EIP-2) and Bitcoin (BIP 62/146) refuse high-S ones, so a
    /// high S means the signature did not come as expected.
    ///
    /// - Parameters:
    ///   - publicKeyHex: SEC1 hex, 33 bytes compressed or 65 bytes uncompressed, `0x` optional.
    public static func verifySecp256k1(digest: [UInt8], r: String, s: String, recid: Int?, encoded: String? = nil,
                                       publicKeyHex: String, allowHighS: Bool = false) throws(ReturnedSignatureError) {
        guard digest.count == 32 else {
            throw .malformedSignature("the signed digest must be 32 bytes, got \(digest.count)")
        }
        let sec1 = try decodeHex(publicKeyHex, "publicKey")
        let key: [UInt8]
        do {
            key = try Secp256k1Recovery.uncompressedPublicKey(sec1: sec1)
        } catch {
            throw .malformedPublicKey(error.description)
        }
        let compact = try scalar(r, "r") + scalar(s, "s")
        if let recid, !(0...3).contains(recid) { throw .invalidRecoveryId(recid) }
        if let encoded { try checkEncodedECDSA(encoded, compact: compact, curve: .secp256k1, recid: recid) }

        let lowS: Bool
        do {
            lowS = try Secp256k1Recovery.isLowS(compactSignature: compact)
        } catch {
            throw .malformedSignature(error.description)
        }
        if !lowS && !allowHighS { throw .highS }

        if let recid {
            let recovered: [UInt8]
            do {
                recovered = try Secp256k1Recovery.recoverPublicKey(compactSignature: compact, recoveryID: recid, digest: digest)
            } catch .signatureInvalid {
                throw .recoveryFailed
            } catch {
                throw .malformedSignature(error.description)
            }
            // A successful recovery of exactly the expected key proves the signature valid for it
            // (Q = r⁻¹(sR − eG) is what verification checks), so no second verification is run.
            guard recovered == key else { throw .recoveredKeyMismatch }
            return
        }
        do {
            try Secp256k1Recovery.verify(compactSignature: compact, digest: digest, publicKey: key, allowHighS: allowHighS)
        } catch .signatureInvalid {
            throw .signatureInvalid
        } catch {
            throw .malformedSignature(error.description)
        }
    }

    /// Verifies a P-256 ECDSA signature over `digest` (32 bytes, not hashed again).
    ///
    /// - Parameters:
    ///   - publicKeyHex: SEC1 hex, 33 bytes compressed or 65 bytes uncompressed, `0x` optional.
    public static func verifyP256(digest: [UInt8], r: String, s: String, encoded: String? = nil,
                                  publicKeyHex: String) throws(ReturnedSignatureError) {
        guard digest.count == 32 else {
            throw .malformedSignature("the signed digest must be 32 bytes, got \(digest.count)")
        }
        let point = try decodeHex(publicKeyHex, "publicKey")
        let prefix: [UInt8]
        switch (point.count, point.first) {
        case (65, 0x04?): prefix = p256UncompressedSPKIPrefix
        case (33, 0x02?), (33, 0x03?): prefix = p256CompressedSPKIPrefix
        default: throw .malformedPublicKey("a P-256 public key is 33 bytes (02/03 ‖ x) or 65 bytes (04 ‖ x ‖ y)")
        }
        let key: PublicKey
        do {
            key = try PublicKey(spkiDER: prefix + point)
        } catch {
            throw .malformedPublicKey(error.description)
        }
        let compact = try scalar(r, "r") + scalar(s, "s")
        if let encoded { try checkEncodedECDSA(encoded, compact: compact, curve: .p256, recid: nil) }
        let der: [UInt8]
        do {
            der = try ECDSASignatureFormat.der(fromRaw: compact, curve: .p256)
        } catch {
            throw .malformedSignature(error.description)
        }
        do {
            try key.verifyECDSA(derSignature: der, digest: digest)
        } catch .signatureInvalid {
            throw .signatureInvalid
        } catch {
            throw .malformedSignature(error.description)
        }
    }

    /// Verifies an Ed25519 signature `r ‖ s` (32 bytes each) over `message`.
    ///
    /// - Parameters:
    ///   - publicKeyHex: the 32-byte Ed25519 public key as hex, `0x` optional.
    public static func verifyEd25519(message: [UInt8], r: String, s: String, encoded: String? = nil,
                                     publicKeyHex: String) throws(ReturnedSignatureError) {
        let raw = try decodeHex(publicKeyHex, "publicKey")
        let key: PublicKey
        do {
            key = try PublicKey.okp(curve: .ed25519, x: raw)
        } catch {
            throw .malformedPublicKey(error.description)
        }
        // r is an encoded point and s a little-endian scalar: both exactly 32 bytes, never padded.
        let rBytes = try decodeHex(r, "r")
        let sBytes = try decodeHex(s, "s")
        guard rBytes.count == 32, sBytes.count == 32 else {
            throw .malformedSignature("Ed25519 r and s are 32 bytes each, got \(rBytes.count) and \(sBytes.count)")
        }
        let signature = rBytes + sBytes
        if let encoded {
            let bytes = try decodeHex(encoded, "encoded")
            guard bytes == signature else { throw .encodedMismatch("expected r ‖ s") }
        }
        do {
            try key.verify(signature: signature, message: message, algorithm: .edDSA)
        } catch .signatureInvalid {
            throw .signatureInvalid
        } catch {
            throw .malformedSignature(error.description)
        }
    }

    // MARK: - Helpers

    /// `SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (65 bytes) }` header.
    private static let p256UncompressedSPKIPrefix: [UInt8] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A,
        0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ]
    /// The same header for a 33-byte compressed point.
    private static let p256CompressedSPKIPrefix: [UInt8] = [
        0x30, 0x39, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A,
        0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x22, 0x00,
    ]

    /// Hex with an optional `0x` prefix, non-empty.
    private static func decodeHex(_ text: String, _ name: String) throws(ReturnedSignatureError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try Hex.decode(text, allowPrefix: true)
        } catch {
            if name == "publicKey" { throw .malformedPublicKey("\(name) is not hex: \(error.message)") }
            throw .malformedSignature("\(name) is not hex: \(error.message)")
        }
        guard !bytes.isEmpty else {
            if name == "publicKey" { throw .malformedPublicKey("empty \(name)") }
            throw .malformedSignature("empty \(name)")
        }
        return bytes
    }

    /// An ECDSA integer (`r` or `s`) as 32 big-endian bytes: leading zero bytes are dropped (some
    /// encoders write a sign byte or fixed width), the value must then fit in 32 bytes.
    private static func scalar(_ text: String, _ name: String) throws(ReturnedSignatureError) -> [UInt8] {
        let bytes = Array(try decodeHex(text, name).drop(while: { $0 == 0 }))
        guard bytes.count <= 32 else { throw .malformedSignature("\(name) is longer than 32 bytes") }
        guard !bytes.isEmpty else { throw .malformedSignature("\(name) is zero") }
        return [UInt8](repeating: 0, count: 32 - bytes.count) + bytes
    }

    /// Checks that `encoded` is DER, `r ‖ s` or (secp256k1) `r ‖ s ‖ v` of the same signature.
    private static func checkEncodedECDSA(_ encoded: String, compact: [UInt8], curve: EllipticCurve, recid: Int?)
        throws(ReturnedSignatureError) {
        let bytes = try decodeHex(encoded, "encoded")
        // DER first (a DER signature may, rarely, be 64 or 65 bytes long too).
        if bytes.first == 0x30, let raw = try? ECDSASignatureFormat.raw(fromDER: bytes, curve: curve), raw == compact {
            return
        }
        if bytes.count == 64, bytes == compact { return }
        if bytes.count == 65, curve == .secp256k1, Array(bytes[0..<64]) == compact {
            let v = Int(bytes[64])
            let allowed: [Int] = recid.map { [$0, 27 + $0] } ?? [0, 1, 27, 28]
            guard allowed.contains(v) else { throw .encodedMismatch("v = \(v) does not match the recovery id") }
            return
        }
        throw .encodedMismatch("\(bytes.count) bytes that are neither the DER nor the r ‖ s\(curve == .secp256k1 ? " (‖ v)" : "") of this signature")
    }
}

import DfnsCrypto
import Testing

/// `PublicKey(spkiDER:)` reads the fixed-size SPKI forms (EC, Ed25519, Ed448) without OpenSSL's
/// generic decoder; it must accept and reject exactly what the generic path does.
@Suite("SPKI fixed-size fast path")
struct SPKIFastPathTests {
    static let types: [KeyType] = [.ec(.p256), .ec(.p384), .ec(.p521), .ec(.secp256k1), .ed25519, .ed448]

    @Test("round trip gives the same key and components", arguments: types)
    func roundTrip(type: KeyType) throws {
        let original = try PrivateKey.generate(type).publicKey
        let imported = try PublicKey(spkiDER: original.spkiDER)
        #expect(imported.components == original.components)
        #expect(imported.isEqual(to: original))
        #expect(imported.spkiDER == original.spkiDER)
    }

    @Test("a point moved off the curve is rejected", arguments: [KeyType.ec(.p256), .ec(.p384), .ec(.p521), .ec(.secp256k1)])
    func offCurve(type: KeyType) throws {
        var der = try PrivateKey.generate(type).publicKey.spkiDER
        der[der.count - 1] ^= 0x01
        #expect(throws: CryptoError.self) { _ = try PublicKey(spkiDER: der) }
    }

    @Test("a compressed point marker or a trailing byte is rejected")
    func malformed() throws {
        let der = try PrivateKey.generate(.ec(.p256)).publicKey.spkiDER
        var compressed = der
        compressed[26] = 0x02  // the byte after the 26-byte prefix: 04 → 02
        #expect(throws: CryptoError.self) { _ = try PublicKey(spkiDER: compressed) }
        #expect(throws: CryptoError.self) { _ = try PublicKey(spkiDER: der + [0x00]) }
        #expect(throws: CryptoError.self) { _ = try PublicKey(spkiDER: Array(der.dropLast())) }
    }

    @Test("a signature verifies with the fast-path key")
    func verifies() throws {
        let key = try PrivateKey.generate(.ec(.p256))
        let message: [UInt8] = Array("fast path".utf8)
        let signature = try key.sign(message, algorithm: .es256)
        try PublicKey(spkiDER: key.publicKey.spkiDER).verify(signature: signature, message: message, algorithm: .es256)
    }
}

import Foundation
import Testing
@testable import DfnsCrypto
import DfnsEncoding

@Suite("Digests, HMAC, PBKDF2, AES-GCM")
struct SymmetricCryptoTests {
    @Test func sha2KnownAnswers() {
        let abc = Array("abc".utf8)
        #expect(Hex.encode(SHA256.hash(abc)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(DigestAlgorithm.sha1.hash(abc)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Hex.encode(DigestAlgorithm.sha384.hash(abc)).hasPrefix("cb00753f45a35e8bb5a03d699ac65007"))
        #expect(Hex.encode(DigestAlgorithm.sha512.hash(abc)).hasPrefix("ddaf35a193617abacc417349ae204131"))
        #expect(DigestAlgorithm.sha256.hash(concatenating: [[0x61], [0x62, 0x63]]) == SHA256.hash(abc))
        #expect(DigestAlgorithm.sha256.hash(abc[...]) == SHA256.hash(abc))
        let parts: [UInt8] = abc
        parts.withUnsafeBytes { buf in
            #expect(SHA256.hash(buf) == SHA256.hash(abc))
            #expect(DigestAlgorithm.sha256.hash([UnsafeRawBufferPointer(rebasing: buf[0..<1]),
                                                 UnsafeRawBufferPointer(rebasing: buf[1...])]) == SHA256.hash(abc))
        }
    }

    /// RFC 4231 test cases 1, 2 and 6.
    @Test func hmacSHA256RFC4231() {
        #expect(Hex.encode(HMAC.sha256(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(Hex.encode(HMAC.sha256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Hex.encode(HMAC.sha256(key: [UInt8](repeating: 0xaa, count: 131),
                                       message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(HMAC.sha256(key: [], message: []).count == 32)
        let tag = HMAC.sha256(key: [1], message: [2])
        #expect(HMAC.verifySHA256(key: [1], message: [2], tag: tag))
        #expect(!HMAC.verifySHA256(key: [1], message: [3], tag: tag))
    }

    /// RFC 7914 §11 (PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, dkLen=64).
    @Test func pbkdf2KnownAnswer() throws {
        let key = try PBKDF2.sha256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)
        #expect(Hex.encode(key.copyBytes()) == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
        #expect(throws: CryptoError.self) { try PBKDF2.sha256(password: [1], salt: [2], iterations: 0, length: 32) }
        #expect(throws: CryptoError.self) { try PBKDF2.sha256(password: [1], salt: [2], iterations: 1, length: 0) }
    }

    /// GCM spec test case 13/14 style: 256-bit zero key, 96-bit zero IV, 16 zero bytes.
    @Test func aesGCMKnownAnswer() throws {
        let sealed = try AESGCM.seal(key: [UInt8](repeating: 0, count: 32), iv: [UInt8](repeating: 0, count: 12),
                                     plaintext: [UInt8](repeating: 0, count: 16))
        #expect(Hex.encode(sealed) == "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919")
        let opened = try AESGCM.open(key: [UInt8](repeating: 0, count: 32), iv: [UInt8](repeating: 0, count: 12),
                                     ciphertext: sealed)
        #expect(opened.copyBytes() == [UInt8](repeating: 0, count: 16))
    }

    @Test func aesGCMRoundTripAndTamper() throws {
        let key = try SecureRandom.bytes(32)
        let iv = try SecureRandom.bytes(16)
        let message = Array("attack at dawn".utf8)
        let sealed = try AESGCM.seal(key: key, iv: iv, plaintext: message, aad: [1, 2, 3])
        #expect(sealed.count == message.count + 16)
        #expect(try AESGCM.open(key: key, iv: iv, ciphertext: sealed, aad: [1, 2, 3]).copyBytes() == message)
        var tampered = sealed
        tampered[0] ^= 1
        #expect(throws: CryptoError.signatureInvalid) { try AESGCM.open(key: key, iv: iv, ciphertext: tampered, aad: [1, 2, 3]) }
        #expect(throws: CryptoError.signatureInvalid) { try AESGCM.open(key: key, iv: iv, ciphertext: sealed) }
        #expect(throws: CryptoError.self) { try AESGCM.open(key: key, iv: iv, ciphertext: [1, 2, 3]) }
        #expect(throws: CryptoError.self) { try AESGCM.seal(key: [1], iv: iv, plaintext: message) }
        #expect(throws: CryptoError.self) { try AESGCM.seal(key: key, iv: [1, 2], plaintext: message) }
        let empty = try AESGCM.seal(key: key, iv: iv, plaintext: [])
        #expect(try AESGCM.open(key: key, iv: iv, ciphertext: empty).count == 0)
    }

    /// Cross-check against the Dfns password-protected key envelope in ../shared/vectors/dfns.
    @Test func dfnsWrappedKeyVector() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = root.deletingLastPathComponent().appendingPathComponent("shared/vectors/dfns/reference.json")
        let data = try Data(contentsOf: url)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let wrapped = try #require(json["wrapped_key"] as? [String: Any])
        let password = try #require(wrapped["password"] as? String)
        let salt = try Hex.decode(try #require(wrapped["salt_hex"] as? String))
        let iterations = try #require(wrapped["pbkdf2_iterations"] as? Int)
        let kek = try PBKDF2.sha256(password: password, salt: salt, iterations: iterations, length: 32)
        #expect(Hex.encode(kek.copyBytes()) == (wrapped["kek_hex"] as? String))

        let envelopeJSON = try Base64.decode(try #require(wrapped["encryptedPrivateKey"] as? String))
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(envelopeJSON)) as? [String: String])
        let iv = try Base64.decode(try #require(envelope["iv"]))
        #expect(Hex.encode(iv) == (wrapped["iv_hex"] as? String))
        let pkcs8 = try AESGCM.open(key: kek, iv: iv, ciphertext: try Base64.decode(try #require(envelope["key"])))
        #expect(pkcs8.count == (wrapped["pkcs8_der_len"] as? Int))
        let key = try PrivateKey(pkcs8DER: pkcs8.copyBytes())
        #expect(key.type == .ec(.p256))
        let keys = try #require(json["keys"] as? [String: String])
        let expected = try PublicKey(pem: try #require(keys["p256_public_pem"]))
        #expect(key.publicKey.isEqual(to: expected))

        // Re-wrapping with the same IV reproduces the envelope's ciphertext (GCM is deterministic).
        let resealed = try AESGCM.seal(key: kek, iv: iv, plaintext: pkcs8)
        #expect(resealed == (try Base64.decode(try #require(envelope["key"]))))
    }
}

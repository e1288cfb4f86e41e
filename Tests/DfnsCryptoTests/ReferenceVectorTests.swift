import COpenSSL
import Foundation
import Testing
@testable import DfnsCrypto
import DfnsEncoding

@Suite("Reference vectors and foreign keys")
struct ReferenceVectorTests {
    /// ../shared/vectors/dfns/reference.json relative to the package root (read at test time).
    static func dfnsReference() throws -> [String: Any] {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/vectors/dfns/reference.json")
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: url))
        return try #require(object as? [String: Any])
    }

    /// The Dfns `key.get` assertion: a deterministic Ed25519 signature (reproduced byte for byte) and
    /// an RFC 6979 P-256 DER signature (verified).
    @Test func dfnsKeyAssertion() throws {
        let reference = try Self.dfnsReference()
        let keys = try #require(reference["keys"] as? [String: String])
        let assertion = try #require(reference["key_assertion"] as? [String: Any])
        let clientData = Array(try #require(assertion["clientData_json"] as? String).utf8)
        #expect(Base64URL.encode(clientData) == (assertion["clientData_b64url"] as? String))

        let edKey = try PrivateKey(pem: try #require(keys["ed25519_private_pem"]))
        let edPublic = try PublicKey(pem: try #require(keys["ed25519_public_pem"]))
        #expect(edKey.publicKey.isEqual(to: edPublic))
        let edSignature = try Base64URL.decode(try #require(assertion["ed25519_signature_b64url"] as? String))
        #expect(try edKey.sign(clientData, algorithm: .edDSA) == edSignature)
        try edPublic.verify(signature: edSignature, message: clientData, algorithm: .edDSA)

        let p256Key = try PrivateKey(pem: try #require(keys["p256_private_pem"]))
        let p256Public = try PublicKey(pem: try #require(keys["p256_public_pem"]))
        #expect(p256Key.publicKey.isEqual(to: p256Public))
        #expect(p256Public.components == .ec(.p256, x: RFC6979P256.x, y: RFC6979P256.y))
        let derSignature = try Base64URL.decode(try #require(assertion["p256_der_signature_b64url_rfc6979"] as? String))
        try p256Public.verify(signature: derSignature, message: clientData, algorithm: .es256)
        #expect(throws: CryptoError.signatureInvalid) {
            try p256Public.verify(signature: derSignature, message: clientData + [0x20], algorithm: .es256)
        }
        // The key's own signatures verify too (randomized nonce: compare by verification).
        try p256Public.verify(signature: try p256Key.sign(clientData, algorithm: .es256), message: clientData,
                              algorithm: .es256)
    }

    /// Keys taken from elsewhere (certificates) may be of types this module does not verify with.
    @Test func unsupportedKeyTypeFromOwnership() throws {
        let ctx = try #require(EVP_PKEY_CTX_new_from_name(nil, "X25519", nil))
        defer { EVP_PKEY_CTX_free(ctx) }
        #expect(EVP_PKEY_keygen_init(ctx) == 1)
        var raw: OpaquePointer? = nil
        #expect(EVP_PKEY_generate(ctx, &raw) == 1)
        let key = PublicKey(takingOwnershipOf: try #require(raw))
        #expect(key.components == nil)
        #expect(key.rsaModulusBits == nil)
        #expect(!key.spkiDER.isEmpty)
        for algorithm in COSEAlgorithm.allCases where algorithm != .rs1 {
            #expect(throws: CryptoError.self) {
                try key.verify(signature: [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01], message: [], algorithm: algorithm)
            }
        }
        // Its SPKI is refused by the validating import.
        #expect(throws: CryptoError.self) { try PublicKey(spkiDER: key.spkiDER) }
        #expect(!key.isEqual(to: try #require(TestKeys.p256).publicKey))
    }

    /// A supported key handed over by ownership gets the same components as an imported one.
    @Test func supportedKeyFromOwnership() throws {
        let source = try #require(TestKeys.p384)
        let der = source.publicKey.spkiDER
        let raw = der.withUnsafeBufferPointer { buf -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_PUBKEY(nil, &cursor, buf.count)
        }
        let key = PublicKey(takingOwnershipOf: try #require(raw))
        #expect(key.components == source.publicKey.components)
        let signature = try source.sign([1, 2, 3], algorithm: .es384)
        try key.verify(signature: signature, message: [1, 2, 3], algorithm: .es384)
        try key.verify(signature: signature, message: [1, 2, 3], algorithm: .esp384)
    }

    /// Repeated use of one key, interleaving failures, keeps working (the per-key template is only read).
    @Test func repeatedVerificationWithOneKey() throws {
        for algorithm in [COSEAlgorithm.es256, .es512, .edDSA, .ed448] {
            let key = try #require(TestKeys.key(for: algorithm))
            let signature = try key.sign([42], algorithm: algorithm)
            for round in 0..<20 {
                if round % 3 == 0 {
                    #expect(throws: CryptoError.self) {
                        try key.publicKey.verify(signature: signature, message: [43], algorithm: algorithm)
                    }
                }
                try key.publicKey.verify(signature: signature, message: [42], algorithm: algorithm)
            }
        }
    }
}

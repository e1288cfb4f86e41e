import Testing
@testable import DfnsCrypto
import DfnsEncoding

/// Random and mutated inputs must produce errors, never traps.
@Suite("Hostile inputs")
struct HostileInputTests {
    /// A small deterministic generator (xorshift64*), so failures are reproducible.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2685821657736338717
        }
        mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    @Test func mutatedKeysAndSignatures() throws {
        var rng = Generator(state: 0x9E3779B97F4A7C15)
        let sources: [PrivateKey] = try [TestKeys.p256, TestKeys.p521, TestKeys.secp256k1, TestKeys.ed25519,
                                         TestKeys.rsa2048].map { try #require($0) }
        for source in sources {
            let spki = source.publicKey.spkiDER
            let pkcs8 = try source.pkcs8DER().copyBytes()
            for _ in 0..<150 {
                var mutated = spki
                let flips = 1 + rng.below(3)
                for _ in 0..<flips { mutated[rng.below(mutated.count)] ^= UInt8(truncatingIfNeeded: 1 << rng.below(8)) }
                if let key = try? PublicKey(spkiDER: mutated) {
                    for algorithm in COSEAlgorithm.allCases {
                        _ = try? key.verify(signature: rng.bytes(rng.below(140)), message: [1], algorithm: algorithm,
                                            allowSHA1: true)
                    }
                }
                _ = try? PublicKey(spkiDER: Array(mutated.prefix(rng.below(mutated.count + 1))))
                var mutatedKey = pkcs8
                mutatedKey[rng.below(mutatedKey.count)] ^= UInt8(truncatingIfNeeded: 1 << rng.below(8))
                _ = try? PrivateKey(pkcs8DER: mutatedKey)
            }
        }
        for _ in 0..<500 {
            let garbage = rng.bytes(rng.below(200))
            _ = try? PublicKey(spkiDER: garbage)
            _ = try? PrivateKey(pkcs8DER: garbage)
            _ = try? ECDSASignatureFormat.raw(fromDER: garbage, curve: .p521)
            _ = try? Base64URL.decode(String(decoding: garbage, as: UTF8.self))
            _ = try? Base64.decode(String(decoding: garbage, as: UTF8.self))
            _ = try? Hex.decode(String(decoding: garbage, as: UTF8.self))
            _ = try? PublicKey(pem: "-----BEGIN PUBLIC KEY-----\n" + Base64.encode(garbage) + "\n-----END PUBLIC KEY-----")
            _ = try? PrivateKey(pem: "-----BEGIN PRIVATE KEY-----\n" + Base64.encode(garbage) + "\n-----END PRIVATE KEY-----")
            _ = try? PublicKey.rsa(modulus: garbage, exponent: Array(garbage.prefix(4)))
            if garbage.count >= 64 {
                _ = try? PublicKey.ec(curve: .secp256k1, x: Array(garbage[0..<32]), y: Array(garbage[32..<64]))
                _ = try? PublicKey.ec(curve: .p256, x: Array(garbage[0..<32]), y: Array(garbage[32..<64]))
                _ = try? PrivateKey.ec(curve: .secp256k1, scalar: Array(garbage[0..<32]))
            }
        }
        // Signatures with random bytes on every key and algorithm.
        for source in sources {
            for algorithm in COSEAlgorithm.allCases {
                for length in [0, 1, 2, 8, 64, 72, 114, 139, 256, 300] {
                    var signature = rng.bytes(length)
                    if length > 2 { signature[0] = 0x30; signature[1] = UInt8(truncatingIfNeeded: length - 2) }
                    #expect(throws: CryptoError.self) {
                        try source.publicKey.verify(signature: signature, message: [1, 2], algorithm: algorithm,
                                                    allowSHA1: true)
                    }
                }
            }
        }
    }
}

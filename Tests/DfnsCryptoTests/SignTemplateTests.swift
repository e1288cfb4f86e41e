import DfnsCrypto
import DfnsLocking
import Dispatch
import Testing

/// EC and EdDSA private keys keep one `EVP_DigestSign` template and copy it per signature: the
/// signatures must stay right, ECDSA nonces fresh, and one key usable from many threads at once.
@Suite("Private key sign templates")
struct SignTemplateTests {
    @Test("ECDSA signatures from the template verify and use a fresh nonce each time",
          arguments: [(EllipticCurve.p256, COSEAlgorithm.es256), (.p384, .es384), (.p521, .es512)])
    func ecdsa(_ pair: (EllipticCurve, COSEAlgorithm)) throws {
        let key = try PrivateKey.generate(.ec(pair.0))
        let message = Array("sign template".utf8)
        let first = try key.sign(message, algorithm: pair.1)
        let second = try key.sign(message, algorithm: pair.1)
        #expect(first != second)
        try key.publicKey.verify(signature: first, message: message, algorithm: pair.1)
        try key.publicKey.verify(signature: second, message: message, algorithm: pair.1)
        #expect(throws: CryptoError.self) { try key.publicKey.verify(signature: first, message: message + [0], algorithm: pair.1) }
    }

    @Test("Ed25519 signatures from the template are the deterministic ones")
    func ed25519() throws {
        let key = try PrivateKey.generate(.ed25519)
        let message = Array("sign template".utf8)
        let first = try key.sign(message, algorithm: .edDSA)
        #expect(try key.sign(message, algorithm: .edDSA) == first)
        try key.publicKey.verify(signature: first, message: message, algorithm: .edDSA)
    }

    @Test("one P-256 and one Ed25519 key signing from 8 threads at once")
    func concurrent() throws {
        let p256 = try PrivateKey.generate(.ec(.p256))
        let ed = try PrivateKey.generate(.ed25519)
        let failures = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<100 {
                let message = Array("thread \(thread) round \(round)".utf8)
                do {
                    try p256.publicKey.verify(signature: try p256.sign(message, algorithm: .es256), message: message, algorithm: .es256)
                    try ed.publicKey.verify(signature: try ed.sign(message, algorithm: .edDSA), message: message, algorithm: .edDSA)
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        #expect(failures.withLock { $0 } == 0)
    }
}

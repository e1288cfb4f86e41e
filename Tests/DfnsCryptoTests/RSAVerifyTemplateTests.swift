import DfnsCrypto
import Dispatch
import Synchronization
import Testing

/// RSA keys keep one PKCS#1 v1.5 verify template per digest, made on first use; one key must keep
/// verifying every RSA algorithm correctly, from many threads at once.
@Suite("RSA verify templates")
struct RSAVerifyTemplateTests {
    @Test("one key verifies RS256, RS384, RS512, PS256 and RS1 in any order, and rejects cross-digest signatures")
    func digestsDoNotMix() throws {
        let key = try PrivateKey.generate(.rsa(bits: 2048))
        let message: [UInt8] = Array("template".utf8)
        let algorithms: [COSEAlgorithm] = [.rs256, .rs384, .rs512, .ps256, .rs1]
        let signatures = try algorithms.map { try key.sign(message, algorithm: $0) }
        for _ in 0..<3 {
            for (algorithm, signature) in zip(algorithms, signatures) {
                try key.publicKey.verify(signature: signature, message: message, algorithm: algorithm, allowSHA1: true)
            }
        }
        // An RS256 signature never verifies as RS384 or RS512, whichever template exists first.
        #expect(throws: CryptoError.self) {
            try key.publicKey.verify(signature: signatures[0], message: message, algorithm: .rs384)
        }
        #expect(throws: CryptoError.self) {
            try key.publicKey.verify(signature: signatures[2], message: message, algorithm: .rs256)
        }
        var tampered = signatures[0]
        tampered[10] ^= 1
        #expect(throws: CryptoError.self) {
            try key.publicKey.verify(signature: tampered, message: message, algorithm: .rs256)
        }
    }

    @Test("concurrent first use from 8 threads")
    func concurrentFirstUse() throws {
        let key = try PrivateKey.generate(.rsa(bits: 2048))
        let message: [UInt8] = Array("concurrent".utf8)
        let algorithms: [COSEAlgorithm] = [.rs256, .rs384, .rs512]
        let signatures = try algorithms.map { try key.sign(message, algorithm: $0) }
        let publicKey = key.publicKey
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<30 {
                let index = (thread + round) % algorithms.count
                do {
                    try publicKey.verify(signature: signatures[index], message: message, algorithm: algorithms[index])
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        #expect(failures.withLock { $0 } == 0)
    }
}

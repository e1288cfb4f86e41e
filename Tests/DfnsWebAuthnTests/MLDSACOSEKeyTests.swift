import Crypto
import DfnsCBOR
import DfnsConformance
import DfnsCrypto
import DfnsWebAuthn
import Testing

/// COSE AKP keys (RFC 9964) for ML-DSA-65/87: parsing, encoding, and the ML-DSA vectors.
@Suite("ML-DSA COSE keys")
struct MLDSACOSEKeyTests {
    static func akp(alg: Int64, pub: CBORValue?) -> [UInt8] {
        var entries: [(CBORValue, CBORValue)] = [(CBORValue(1), CBORValue(7)), (CBORValue(3), CBORValue(alg))]
        if let pub { entries.append((CBORValue(-1), pub)) }
        return CBOREncoder.encode(.map(CBORMap(entries)), sortKeys: true)
    }

    static func code(_ body: () throws -> Void) -> WebAuthnError.Code? {
        do {
            try body()
            return nil
        } catch let error as WebAuthnError {
            return error.code
        } catch {
            return .internalError
        }
    }

    @Test("a generated ML-DSA-65 and ML-DSA-87 key round-trips through COSE and verifies")
    func roundTrip() throws {
        let message = Array("signed".utf8)
        let p65 = try MLDSA65.PrivateKey(), p87 = try MLDSA87.PrivateKey()
        let cases: [(COSEAlgorithm, [UInt8], [UInt8])] = [
            (.mlDSA65, Array(p65.publicKey.rawRepresentation), Array(try p65.signature(for: message))),
            (.mlDSA87, Array(p87.publicKey.rawRepresentation), Array(try p87.signature(for: message))),
        ]
        for (alg, raw, signature) in cases {
            let cose = Self.akp(alg: alg.rawValue, pub: .bytes(raw))
            let key = try CredentialPublicKey(coseBytes: cose)
            #expect(key.algorithm == alg)
            try key.publicKey.verify(signature: signature, message: message, algorithm: alg)
            // Encoding the imported key gives the same canonical bytes.
            let encoded = try CredentialPublicKey(publicKey: key.publicKey, algorithm: alg)
            #expect(encoded.coseBytes == cose)
            // But not with another algorithm.
            let other: COSEAlgorithm = alg == .mlDSA65 ? .mlDSA87 : .mlDSA65
            #expect(Self.code { _ = try CredentialPublicKey(publicKey: key.publicKey, algorithm: other) } == .invalidPublicKey)
            #expect(Self.code { _ = try CredentialPublicKey(publicKey: key.publicKey, algorithm: .es256) } == .invalidPublicKey)
            // The same bytes labelled with the other parameter set: wrong size for it.
            #expect(Self.code { _ = try CredentialPublicKey(coseBytes: Self.akp(alg: other.rawValue, pub: .bytes(raw))) } == .invalidPublicKey)
            // One byte short or long.
            #expect(Self.code { _ = try CredentialPublicKey(coseBytes: Self.akp(alg: alg.rawValue, pub: .bytes(Array(raw.dropLast())))) } == .invalidPublicKey)
            #expect(Self.code { _ = try CredentialPublicKey(coseBytes: Self.akp(alg: alg.rawValue, pub: .bytes(raw + [0]))) } == .invalidPublicKey)
        }
    }

    @Test("AKP keys with a wrong, missing or unsupported algorithm or pub are refused with their codes")
    func refusals() throws {
        let raw = Array(try MLDSA65.PrivateKey().publicKey.rawRepresentation)
        // A non-ML-DSA algorithm on an AKP key.
        #expect(Self.code { _ = try CredentialPublicKey(coseBytes: Self.akp(alg: -7, pub: .bytes(raw))) } == .invalidPublicKey)
        #expect(Self.code { _ = try CredentialPublicKey(coseBytes: Self.akp(alg: -257, pub: .bytes(raw))) } == .invalidPublicKey)
        // ML-DSA-44: the typed unsupported algorithm, named.
        do {
            _ = try CredentialPublicKey(coseBytes: Self.akp(alg: -48, pub: .bytes([UInt8](repeating: 1, count: 1312))))
            Issue.record("ML-DSA-44 accepted")
        } catch {
            #expect(error.code == .unsupportedAlgorithm && error.message.contains("ML-DSA-44"), "\(error)")
        }
        // An unknown algorithm.
        #expect(Self.code { _ = try CredentialPublicKey(coseBytes: Self.akp(alg: -999, pub: .bytes(raw))) } == .unsupportedAlgorithm)
        // pub missing or not a byte string.
        #expect(Self.code { _ = try CredentialPublicKey(coseBytes: Self.akp(alg: -49, pub: nil)) } == .malformedCOSEKey)
        #expect(Self.code { _ = try CredentialPublicKey(coseBytes: Self.akp(alg: -49, pub: .text("key"))) } == .malformedCOSEKey)
        // An ML-DSA algorithm on an EC2 or OKP key.
        let ec = try PrivateKey.generate(.ec(.p256))
        #expect(Self.code { _ = try CredentialPublicKey(publicKey: ec.publicKey, algorithm: .mlDSA65) } == .invalidPublicKey)
    }

    @Test("the ML-DSA-65/87 vectors verify and ML-DSA-44 is skipped as unsupported")
    func vectors() throws {
        let outcomes = ConformanceTests.outcomes
        for level in [65, 87] {
            let outcome = try #require(outcomes["pywebauthn-auth-verify-ml-dsa-\(level)-response.json"])
            #expect(outcome.verdict == .ok, "\(outcome.jsonLine)")
        }
        let skipped = try #require(outcomes["pywebauthn-auth-verify-ml-dsa-44-response.json"])
        #expect(skipped.verdict == .skip && skipped.code == "unsupported_algorithm" && skipped.message.contains("ML-DSA-44"))
    }

    @Test("ML-DSA is in the default algorithms, after every classical algorithm")
    func defaults() {
        let defaults = RelyingPartyPolicy.defaultAlgorithms
        #expect(Array(defaults.suffix(2)) == [.mlDSA65, .mlDSA87])
        #expect(!defaults.contains(.rs1))
    }
}

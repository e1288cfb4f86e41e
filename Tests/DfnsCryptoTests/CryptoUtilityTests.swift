import Testing
@testable import DfnsCrypto
import DfnsEncoding

@Suite("Crypto utilities")
struct CryptoUtilityTests {
    @Test func constantTimeEquals() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.equals([1, 2, 3][1...], [2, 3]))
    }

    @Test func secureRandom() throws {
        let a = try SecureRandom.bytes(32)
        let b = try SecureRandom.bytes(32)
        #expect(a.count == 32 && a != b)
        #expect(try SecureRandom.bytes(0) == [])
        #expect(throws: CryptoError.self) { try SecureRandom.bytes(-1) }
    }

    @Test func secretBytes() {
        let secret = SecretBytes([1, 2, 3])
        #expect(secret.count == 3)
        #expect(secret.copyBytes() == [1, 2, 3])
        #expect(secret.constantTimeEquals(SecretBytes([1, 2, 3])))
        #expect(!secret.constantTimeEquals(SecretBytes([1, 2, 4])))
        #expect(SecretBytes([]).count == 0)
    }

    @Test func coseMetadata() {
        #expect(COSEAlgorithm(rawValue: -7) == .es256)
        #expect(COSEAlgorithm.ps384.name == "PS384")
        #expect(COSEAlgorithm.edDSA.digest == nil)
        #expect(COSEAlgorithm.es512.digest == .sha512)
        #expect(EllipticCurve(coseCurve: 8) == .secp256k1)
        #expect(EllipticCurve(coseCurve: 6) == nil)
        #expect(EllipticCurve.p521.coordinateLength == 66)
        #expect(EdwardsCurve.ed448.keyLength == 57)
        #expect(EdwardsCurve(coseCurve: 7) == .ed448)
    }
}

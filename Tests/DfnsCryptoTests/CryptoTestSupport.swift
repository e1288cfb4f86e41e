@testable import DfnsCrypto
import DfnsEncoding

/// Decodes a hex literal in tests (test inputs are trusted; bad literals yield an empty array,
/// which the tests then fail on).
func hex(_ string: String) -> [UInt8] {
    (try? Hex.decode(string)) ?? []
}

/// Splits a DER ECDSA signature into (r, s) as minimal big-endian integers (short-form lengths only).
func derComponents(_ der: [UInt8]) -> (r: [UInt8], s: [UInt8])? {
    guard der.count >= 8, der[0] == 0x30, Int(der[1]) == der.count - 2, der[2] == 0x02 else { return nil }
    let rLength = Int(der[3])
    let sTag = 4 + rLength
    guard sTag + 2 <= der.count, der[sTag] == 0x02 else { return nil }
    let sLength = Int(der[sTag + 1])
    guard sTag + 2 + sLength == der.count else { return nil }
    return (Array(der[4..<sTag]), Array(der[(sTag + 2)...]))
}

/// DER-encodes (r, s) given as unsigned big-endian integers (short-form lengths only).
func derSignature(r: [UInt8], s: [UInt8]) -> [UInt8] {
    func integer(_ value: [UInt8]) -> [UInt8] {
        var v = Array(value.drop(while: { $0 == 0 }))
        if v.isEmpty { v = [0] }
        if v[0] & 0x80 != 0 { v.insert(0, at: 0) }
        return [0x02, UInt8(v.count)] + v
    }
    let body = integer(r) + integer(s)
    return [0x30, UInt8(body.count)] + body
}

/// Left-pads or strips an unsigned integer to exactly `length` bytes.
func fixedLength(_ value: [UInt8], _ length: Int) -> [UInt8] {
    let trimmed = Array(value.drop(while: { $0 == 0 }))
    return [UInt8](repeating: 0, count: max(0, length - trimmed.count)) + trimmed
}

/// a - b for equal-length big-endian unsigned integers (a >= b).
func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: a.count)
    var borrow = 0
    for i in stride(from: a.count - 1, through: 0, by: -1) {
        var d = Int(a[i]) - Int(b[i]) - borrow
        borrow = d < 0 ? 1 : 0
        if d < 0 { d += 256 }
        out[i] = UInt8(d)
    }
    return out
}

/// Keys shared by the tests (RSA generation is slow enough to do once).
enum TestKeys {
    static let rsa2048: PrivateKey? = try? PrivateKey.generate(.rsa(bits: 2048))
    static let p256: PrivateKey? = try? PrivateKey.generate(.ec(.p256))
    static let p384: PrivateKey? = try? PrivateKey.generate(.ec(.p384))
    static let p521: PrivateKey? = try? PrivateKey.generate(.ec(.p521))
    static let secp256k1: PrivateKey? = try? PrivateKey.generate(.ec(.secp256k1))
    static let ed25519: PrivateKey? = try? PrivateKey.generate(.ed25519)
    static let ed448: PrivateKey? = try? PrivateKey.generate(.ed448)

    /// The key for an algorithm's key type.
    static func key(for algorithm: COSEAlgorithm) -> PrivateKey? {
        switch algorithm {
        case .es256, .esp256: return p256
        case .es384, .esp384: return p384
        case .es512, .esp512: return p521
        case .es256k: return secp256k1
        case .edDSA, .ed25519: return ed25519
        case .ed448: return ed448
        case .rs256, .rs384, .rs512, .rs1, .ps256, .ps384, .ps512: return rsa2048
        case .mlDSA65, .mlDSA87: return nil  // verified only; MLDSATests makes its keys with swift-crypto
        }
    }
}

/// RFC 8032 §7.1 test 1.
enum RFC8032Test1 {
    static let seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    static let publicKey = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    static let signature = hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
}

/// RFC 6979 A.2.5 (P-256) key.
enum RFC6979P256 {
    static let scalar = hex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721")
    static let x = hex("60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6")
    static let y = hex("7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299")
}

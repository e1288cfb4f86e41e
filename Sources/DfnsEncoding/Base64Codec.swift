// Hand-written base64 codec shared by `Base64` and `Base64URL`.
//
// Why not OpenSSL's EVP_DecodeBlock/EVP_DecodeUpdate: they are lenient (they skip whitespace, accept
// missing or misplaced padding in places and ignore non-zero trailing bits), and EVP_DecodeBlock
// returns a length that includes padding. WebAuthn and the Dfns protocol compare encoded values, so
// decoding here is strict and canonical: one encoding per byte string.

/// The shared encoder/decoder; `url` selects the RFC 4648 §5 alphabet without padding.
internal enum Base64Codec {
    private static let standard: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafe: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Maps an ASCII byte to its 6-bit value, 0xFF when not in the alphabet.
    private static func table(for alphabet: [UInt8]) -> [UInt8] {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(truncatingIfNeeded: i) }
        return t
    }
    private static let standardTable = table(for: standard)
    private static let urlTable = table(for: urlSafe)

    static func encode(_ bytes: some Collection<UInt8>, url: Bool) -> String {
        let alphabet = url ? urlSafe : standard
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = input.count - i
        if rest == 1 {
            let n = UInt32(input[i]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            if !url { out.append(UInt8(ascii: "=")); out.append(UInt8(ascii: "=")) }
        } else if rest == 2 {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            if !url { out.append(UInt8(ascii: "=")) }
        }
        let result = String(decoding: out, as: UTF8.self)
        zeroize(&out)   // the encoding may be of secret bytes (PKCS#8 PEM)
        return result
    }

    static func decode(_ string: String, url: Bool) throws(EncodingError) -> [UInt8] {
        let name = url ? "base64url" : "base64"
        var chars = Array(string.utf8)
        if !url {
            guard chars.count % 4 == 0 else { throw EncodingError(url ? .base64url : .base64, "\(name) length \(chars.count) is not a multiple of 4") }
            var padding = 0
            while padding < 2, let last = chars.last, last == UInt8(ascii: "=") {
                chars.removeLast()
                padding += 1
            }
        }
        guard chars.count % 4 != 1 else { throw EncodingError(url ? .base64url : .base64, "\(name) length leaves a dangling character") }
        let lookup = url ? urlTable : standardTable
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3 + 2)
        var accumulator: UInt32 = 0
        var bits = 0
        for (offset, c) in chars.enumerated() {
            let v = lookup[Int(c)]
            guard v != 0xFF else { throw EncodingError(url ? .base64url : .base64, "invalid \(name) character at offset \(offset)") }
            accumulator = (accumulator << 6 | UInt32(v)) & 0xFFFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // Canonical form: the unused low bits of the last character must be zero.
        if bits > 0, accumulator & ((1 << UInt32(bits)) - 1) != 0 {
            throw EncodingError(url ? .base64url : .base64, "\(name) has non-zero trailing bits")
        }
        return out
    }
}

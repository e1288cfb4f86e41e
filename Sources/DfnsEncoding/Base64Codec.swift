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
        if let encoded = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0, url: url) }) {
            return encoded
        }
        var copy = Array(bytes)
        defer { zeroize(&copy) }   // may be secret bytes (a PKCS#8 key on its way to PEM)
        return copy.withUnsafeBufferPointer { encode(buffer: $0, url: url) }
    }

    /// Writes the encoding straight into the new string's storage: no intermediate buffer (which
    /// would hold a copy of what may be secret to wipe) and no second pass. This is on the path of
    /// every signed request (clientData and signature in the user-action body).
    private static func encode(buffer input: UnsafeBufferPointer<UInt8>, url: Bool) -> String {
        let full = input.count / 3
        let rest = input.count - full * 3
        let length = full * 4 + (rest == 0 ? 0 : (url ? rest + 1 : 4))
        guard length > 0 else { return "" }
        return (url ? urlSafe : standard).withUnsafeBufferPointer { alphabet in
            String(unsafeUninitializedCapacity: length) { out in
                var o = 0
                var i = 0
                while i + 2 < input.count {
                    let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    out[o] = alphabet[Int(n >> 18 & 63)]
                    out[o + 1] = alphabet[Int(n >> 12 & 63)]
                    out[o + 2] = alphabet[Int(n >> 6 & 63)]
                    out[o + 3] = alphabet[Int(n & 63)]
                    i += 3
                    o += 4
                }
                if rest == 1 {
                    let n = UInt32(input[i]) << 16
                    out[o] = alphabet[Int(n >> 18 & 63)]
                    out[o + 1] = alphabet[Int(n >> 12 & 63)]
                    o += 2
                    if !url { out[o] = UInt8(ascii: "="); out[o + 1] = UInt8(ascii: "="); o += 2 }
                } else if rest == 2 {
                    let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                    out[o] = alphabet[Int(n >> 18 & 63)]
                    out[o + 1] = alphabet[Int(n >> 12 & 63)]
                    out[o + 2] = alphabet[Int(n >> 6 & 63)]
                    o += 3
                    if !url { out[o] = UInt8(ascii: "="); o += 1 }
                }
                return o
            }
        }
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

/// Lower-case hexadecimal, the one implementation every layer uses (byte strings, fixed-width
/// integers in messages, the `0x`-prefixed hex of the Dfns API).
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes `bytes` as lower-case hex.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` as lower-case hex, zero-padded to the full width of its type (`UInt8` 2 digits,
    /// `UInt16` 4, `UInt32` 8, ...), most significant digit first and without a prefix.
    public static func encode<T: FixedWidthInteger & UnsignedInteger>(integer value: T) -> String {
        var out: [UInt8] = []
        let nibbles = T.bitWidth / 4
        out.reserveCapacity(nibbles)
        for index in stride(from: nibbles - 1, through: 0, by: -1) {
            let nibble = Int(truncatingIfNeeded: value >> T(index * 4)) & 0x0F
            out.append(digits[nibble])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (upper or lower case, even length, no separators or whitespace). With
    /// `allowPrefix`, one leading `0x` or `0X` is accepted, as in the Dfns API's hex strings.
    public static func decode(_ string: String, allowPrefix: Bool = false) throws(EncodingError) -> [UInt8] {
        var utf8 = Array(string.utf8)[...]
        if allowPrefix, utf8.count >= 2, utf8[utf8.startIndex] == UInt8(ascii: "0"),
           utf8[utf8.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
            utf8 = utf8.dropFirst(2)
        }
        guard utf8.count % 2 == 0 else { throw EncodingError(.hex, "hex string has odd length \(utf8.count)") }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = utf8.startIndex
        while index + 1 < utf8.endIndex {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else {
                throw EncodingError(.hex, "invalid hex character at offset \(index)")
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

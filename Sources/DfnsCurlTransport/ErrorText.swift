// Helpers that render untrusted text and bytes for error messages.

/// `byte` as two uppercase hexadecimal digits.
func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
}

/// `text` with control characters shown as `\u{..}` and cut to 200 characters, for error messages.
func printable(_ text: String) -> String {
    var result = ""
    for (count, scalar) in text.unicodeScalars.enumerated() {
        if count == 200 {
            result += "…"
            break
        }
        if scalar.value < 0x20 || scalar.value == 0x7F {
            result += scalar.escaped(asASCII: true)
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}

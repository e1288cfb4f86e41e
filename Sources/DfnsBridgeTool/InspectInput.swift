import DfnsCrypto
import DfnsInspection
import DfnsEncoding

/// Turns the command line's input into bytes (``Inspector`` decides what they are).
enum InspectInput {
    /// The largest input accepted (see ``Inspector/maxInputLength``).
    static let maxInputLength = Inspector.maxInputLength

    /// Decodes base64url text leniently for people pasting values: surrounding and embedded
    /// whitespace and `=` padding are ignored, and the standard alphabet (`+`, `/`) is accepted.
    static func decodeText(_ text: String) throws(ToolError) -> [UInt8] {
        var chars: [UInt8] = []
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: "="): continue
            case UInt8(ascii: "+"): chars.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): chars.append(UInt8(ascii: "_"))
            default: chars.append(c)
            }
        }
        guard !chars.isEmpty else {
            throw ToolError(code: "malformed_encoding", message: "the input is empty")
        }
        do {
            return try Base64URL.decode(String(decoding: chars, as: UTF8.self))
        } catch {
            throw ToolError(code: "malformed_encoding", message: "the input is not base64url: \(error)")
        }
    }

    /// A file's contents: base64url text when the whole file is base64url (plus whitespace and
    /// padding) and decodes, otherwise the raw bytes.
    static func decodeFile(_ bytes: [UInt8]) -> [UInt8] {
        let isText = !bytes.isEmpty && bytes.allSatisfy { c in
            (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="),
                    UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")].contains(c)
        }
        if isText, let decoded = try? decodeText(String(decoding: bytes, as: UTF8.self)), !decoded.isEmpty {
            return decoded
        }
        return bytes
    }

}

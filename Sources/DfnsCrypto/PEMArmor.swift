/// Minimal strict PEM (RFC 7468) armor for single blocks without headers.
internal enum PEMArmor {
    /// Encodes `der` under `label` with 64-character lines and a trailing newline.
    static func encode(_ der: [UInt8], label: String) -> String {
        var body = Array(Base64.encode(der).utf8)
        defer { cleanse(&body) }   // may encode a private key
        var out = "-----BEGIN \(label)-----\n"
        var index = 0
        while index < body.count {
            let end = min(index + 64, body.count)
            out += String(decoding: body[index..<end], as: UTF8.self)
            out += "\n"
            index = end
        }
        out += "-----END \(label)-----\n"
        return out
    }

    /// Decodes exactly one block labelled `label`. Whitespace may surround the block and separate
    /// body lines; the body must be strict base64.
    static func decode(_ pem: String, label: String) throws(CryptoError) -> [UInt8] {
        let begin = Array("-----BEGIN \(label)-----".utf8)
        let end = Array("-----END \(label)-----".utf8)
        var bytes = Array(pem.utf8)[...]
        while let first = bytes.first, isWhitespace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, isWhitespace(last) { bytes = bytes.dropLast() }
        guard bytes.starts(with: begin) else { throw .invalidEncoding("missing -----BEGIN \(label)-----") }
        bytes = bytes.dropFirst(begin.count)
        guard bytes.count >= end.count, bytes.suffix(end.count).elementsEqual(end) else {
            throw .invalidEncoding("missing -----END \(label)-----")
        }
        bytes = bytes.dropLast(end.count)
        let body = bytes.filter { !isWhitespace($0) }
        guard !body.contains(UInt8(ascii: "-")) else { throw .invalidEncoding("unexpected content in PEM body") }
        let der = try Base64.decode(String(decoding: body, as: UTF8.self))
        guard !der.isEmpty else { throw .invalidEncoding("empty PEM body") }
        return der
    }

    private static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
    }
}

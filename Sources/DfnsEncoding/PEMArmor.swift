/// Strict PEM armour (RFC 7468) for single blocks without headers.
public enum PEMArmor {
    /// Encodes `der` under `label` with 64-character lines and a trailing newline.
    public static func encode(_ der: [UInt8], label: String) -> String {
        var body = Array(Base64.encode(der).utf8)
        defer { zeroize(&body) }   // may encode a private key
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
    public static func decode(_ pem: String, label: String) throws(EncodingError) -> [UInt8] {
        let block = try decode(pem)
        guard block.label == label else {
            throw EncodingError(.pem, "expected a \(label) block, found \(block.label)")
        }
        return block.der
    }

    /// Decodes exactly one block with any label, returning the label and the DER bytes.
    public static func decode(_ pem: String) throws(EncodingError) -> (label: String, der: [UInt8]) {
        var bytes = Array(pem.utf8)[...]
        while let first = bytes.first, isWhitespace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, isWhitespace(last) { bytes = bytes.dropLast() }
        let beginPrefix = Array("-----BEGIN ".utf8)
        let dashes = Array("-----".utf8)
        guard bytes.starts(with: beginPrefix) else { throw EncodingError(.pem, "missing -----BEGIN line") }
        bytes = bytes.dropFirst(beginPrefix.count)
        // The label: printable ASCII up to the closing dashes, on the BEGIN line.
        var labelBytes: [UInt8] = []
        while let c = bytes.first, c != UInt8(ascii: "-") {
            guard c >= 0x20, c < 0x7F, labelBytes.count < 64 else { throw EncodingError(.pem, "malformed BEGIN line") }
            labelBytes.append(c)
            bytes = bytes.dropFirst()
        }
        guard !labelBytes.isEmpty, bytes.starts(with: dashes) else { throw EncodingError(.pem, "malformed BEGIN line") }
        bytes = bytes.dropFirst(dashes.count)
        let label = String(decoding: labelBytes, as: UTF8.self)
        let end = Array("-----END \(label)-----".utf8)
        guard bytes.count >= end.count, bytes.suffix(end.count).elementsEqual(end) else {
            throw EncodingError(.pem, "missing -----END \(label)-----")
        }
        bytes = bytes.dropLast(end.count)
        var body = bytes.filter { !isWhitespace($0) }
        defer { zeroize(&body) }   // may be a private key
        guard !body.contains(UInt8(ascii: "-")) else { throw EncodingError(.pem, "unexpected content in PEM body") }
        let der: [UInt8]
        do {
            der = try Base64.decode(String(decoding: body, as: UTF8.self))
        } catch {
            throw EncodingError(.pem, "PEM body: \(error.message)")
        }
        guard !der.isEmpty else { throw EncodingError(.pem, "empty PEM body") }
        return (label, der)
    }

    private static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
    }
}

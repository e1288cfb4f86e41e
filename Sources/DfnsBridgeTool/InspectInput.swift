import DfnsCBOR
import DfnsCrypto
import DfnsWebAuthn

/// What `inspect` decodes.
enum InspectKind: String, CaseIterable {
    case detect
    case attestationObject = "attestation-object"
    case authenticatorData = "authenticator-data"
    case clientData = "client-data"
    case coseKey = "cose-key"

    /// The heading of the text output.
    var title: String {
        switch self {
        case .detect: return "unknown input"
        case .attestationObject: return "attestation object"
        case .authenticatorData: return "authenticator data"
        case .clientData: return "clientDataJSON"
        case .coseKey: return "COSE key"
        }
    }
}

/// Turns the command line's input into bytes and decides what they are.
enum InspectInput {
    /// The largest input accepted (the library's own limits are lower: 256 KiB for attestation
    /// objects, 64 KiB for clientDataJSON).
    static let maxInputLength = 4 << 20

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

    /// Detection: a JSON object is client data, a CBOR map is an attestation object (or a COSE
    /// key when it has label 1, `kty`, and no `fmt`), anything else authenticator data. When nothing parses, the first byte decides which parser's error
    /// to report.
    static func detect(_ bytes: [UInt8]) -> InspectKind {
        var body = bytes
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
        if case .object? = try? JSONParser().parse(body) { return .clientData }
        if case .map(let map)? = try? CBORDecoder.decode(bytes) {
            return map[int: 1] != nil && map[text: "fmt"] == nil ? .coseKey : .attestationObject
        }
        if (try? AuthenticatorData(bytes: bytes)) != nil { return .authenticatorData }
        let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) })
        if first == UInt8(ascii: "{") { return .clientData }
        if let first, first >= 0xA0, first <= 0xBF { return .attestationObject }
        return .authenticatorData
    }
}

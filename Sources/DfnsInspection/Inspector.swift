import DfnsCBOR
import DfnsCrypto
import DfnsWebAuthn
import DfnsEncoding

/// What ``Inspector`` decodes.
public enum InspectKind: String, CaseIterable, Sendable {
    case detect
    case attestationObject = "attestation-object"
    case authenticatorData = "authenticator-data"
    case clientData = "client-data"
    case coseKey = "cose-key"

    /// The heading of the text output.
    public var title: String {
        switch self {
        case .detect: return "unknown input"
        case .attestationObject: return "attestation object"
        case .authenticatorData: return "authenticator data"
        case .clientData: return "clientDataJSON"
        case .coseKey: return "COSE key"
        }
    }
}

/// How ``Inspector/render(_:_:format:)`` writes a report.
public enum InspectFormat: Sendable {
    /// Indented `label: value` lines for a person.
    case text
    /// One pretty-printed JSON document whose first member is `type`.
    case json
}

/// Decodes attestation objects, authenticator data, clientDataJSON and COSE keys into reports
/// (`dfns-bridge inspect`, `dfns_inspect`). Nothing is verified beyond parsing.
public enum Inspector {
    /// The largest input accepted (the library's own limits are lower: 256 KiB for attestation
    /// objects, 64 KiB for clientDataJSON).
    public static let maxInputLength = 4 << 20

    /// Detection: a JSON object is client data, a CBOR map is an attestation object (or a COSE
    /// key when it has label 1, `kty`, and no `fmt`), anything else authenticator data. When
    /// nothing parses, the first byte decides which parser's error to report.
    public static func detect(_ bytes: [UInt8]) -> InspectKind {
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

    /// Decides what `bytes` are (when `kind` is ``InspectKind/detect``), parses them and builds
    /// their report. `rpId`, when given, is checked against the authenticator data's rpIdHash.
    /// Returns the kind actually decoded (never `.detect`) and the report.
    public static func inspect(
        _ bytes: [UInt8], kind: InspectKind = .detect, rpId: String? = nil
    ) throws(WebAuthnError) -> (InspectKind, ReportValue) {
        guard bytes.count <= maxInputLength else {
            throw WebAuthnError(.inputTooLarge, "the input is \(bytes.count) bytes, more than \(maxInputLength)")
        }
        let kind = kind == .detect ? detect(bytes) : kind
        switch kind {
        case .attestationObject, .detect:
            return (.attestationObject, AttestationObjectReport.value(try AttestationObject(bytes: bytes), rpId: rpId))
        case .authenticatorData:
            return (kind, AuthenticatorDataReport.value(try AuthenticatorData(bytes: bytes), rpId: rpId))
        case .clientData:
            return (kind, ClientDataReport.value(try CollectedClientData(bytes: bytes)))
        case .coseKey:
            let decoded: CBORValue
            do {
                decoded = try CBORDecoder.decode(bytes)
            } catch {
                throw WebAuthnError(.malformedCBOR, "COSE key: \(error)")
            }
            return (kind, COSEKeyReport.value(coseBytes: bytes, decoded: decoded))
        }
    }

    /// Writes a report: text headed by the kind's title, or a JSON document starting with
    /// `"type": "<kind>"`.
    public static func render(_ kind: InspectKind, _ report: ReportValue, format: InspectFormat) -> String {
        switch format {
        case .text:
            return ReportTextRenderer.render(title: kind.title, report)
        case .json:
            let typed: ReportValue
            if case .object(let fields) = report {
                typed = .object([ReportField("type", .text(kind.rawValue))] + fields)
            } else {
                typed = report
            }
            return ReportJSONRenderer.render(typed)
        }
    }
}

import CDfnsBridgeAPI
import DfnsInspection
import DfnsWebAuthn

// Inspection (include/dfns_bridge.h, "Inspection").

@c @implementation
public func dfns_inspect(_ data: UnsafePointer<UInt8>?, _ len: Int, _ kind: Int32, _ format: Int32, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    out?.pointee = nil
    return guarded("dfns_inspect") { () throws(BridgeError) in
        let out = try Arguments.output(out, "out")
        let inspectKind: InspectKind
        switch dfns_inspect_kind(rawValue: UInt32(bitPattern: kind)) {
        case DFNS_INSPECT_DETECT: inspectKind = .detect
        case DFNS_INSPECT_ATTESTATION_OBJECT: inspectKind = .attestationObject
        case DFNS_INSPECT_AUTHENTICATOR_DATA: inspectKind = .authenticatorData
        case DFNS_INSPECT_CLIENT_DATA: inspectKind = .clientData
        case DFNS_INSPECT_COSE_KEY: inspectKind = .coseKey
        default: throw .argument("kind \(kind) is not a dfns_inspect_kind")
        }
        let inspectFormat: InspectFormat
        switch dfns_inspect_format(rawValue: UInt32(bitPattern: format)) {
        case DFNS_INSPECT_TEXT: inspectFormat = .text
        case DFNS_INSPECT_JSON: inspectFormat = .json
        default: throw .argument("format \(format) is not a dfns_inspect_format")
        }
        let bytes = try Arguments.bytes(data, len, "data")
        let (decoded, report) = try webAuthn { () throws(WebAuthnError) in try Inspector.inspect(bytes, kind: inspectKind) }
        guard let text = CString.duplicate(Inspector.render(decoded, report, format: inspectFormat)) else {
            throw .outOfMemory("the report")
        }
        out.pointee = text
    }
}

import DfnsCBOR
import DfnsCrypto
import DfnsWebAuthn
import DfnsEncoding

/// Describes parsed authenticator data (WebAuthn §6.1).
enum AuthenticatorDataReport {
    /// The flag bits with their specification names, lowest bit first.
    static let flagNames: [(UInt8, String)] = [
        (0x01, "UP"), (0x02, "RFU1"), (0x04, "UV"), (0x08, "BE"),
        (0x10, "BS"), (0x20, "RFU2"), (0x40, "AT"), (0x80, "ED"),
    ]

    static func value(_ data: AuthenticatorData, rpId: String?) -> ReportValue {
        var fields: [ReportField] = []
        fields.append(ReportField("rpIdHash", "RP ID hash", .bytes(data.rpIdHash)))
        if let rpId {
            fields.append(ReportField("rpIdMatches", "matches RP ID \"\(rpId)\"", .bool(data.matches(rpId: rpId))))
        }
        let raw = data.flags.rawValue
        let names = flagNames.filter { raw & $0.0 != 0 }.map(\.1)
        let hexByte = "0x" + Hex.encode([raw])
        fields.append(ReportField("flags", "flags",
                                  .text(names.isEmpty ? hexByte : "\(hexByte) (\(names.joined(separator: ", ")))"),
                                  audience: .person))
        fields.append(ReportField("flags", .object([
            ReportField("value", .unsigned(UInt64(raw))),
            ReportField("names", .list(names.map(ReportValue.text))),
        ]), audience: .machine))
        fields.append(ReportField("signCount", "sign count", .unsigned(UInt64(data.signCount))))
        if let attested = data.attestedCredentialData {
            fields.append(ReportField("attestedCredentialData", "attested credential data", .object([
                ReportField("aaguid", "AAGUID", .text(attested.aaguidString)),
                ReportField("credentialIdLength", "credential ID length", .integer(Int64(attested.credentialId.count))),
                ReportField("credentialId", "credential ID (base64url)", .text(Base64URL.encode(attested.credentialId))),
                ReportField("credentialIdHex", "credential ID (hex)", .bytes(attested.credentialId), audience: .machine),
                ReportField("credentialPublicKey", "credential public key",
                            COSEKeyReport.value(coseBytes: attested.credentialPublicKeyBytes,
                                                decoded: attested.credentialPublicKey)),
            ])))
        }
        if let extensions = data.extensions {
            fields.append(ReportField("extensions", "extensions", .text(extensions.description), audience: .person))
            fields.append(ReportField("extensions", CBORReport.value(extensions), audience: .machine))
            fields.append(ReportField("extensionsDiagnostic", .text(extensions.description), audience: .machine))
        }
        fields.append(ReportField("length", "length (bytes)", .integer(Int64(data.rawBytes.count))))
        return .object(fields)
    }
}

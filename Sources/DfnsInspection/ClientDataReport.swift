import DfnsCrypto
import DfnsWebAuthn
import DfnsEncoding

/// Describes clientDataJSON (WebAuthn §5.8.1): the members the library reads, any others, and the
/// hash authenticators sign.
enum ClientDataReport {
    static let knownMembers: Set<String> = ["type", "challenge", "origin", "crossOrigin", "topOrigin"]

    static func value(_ clientData: CollectedClientData) -> ReportValue {
        var fields: [ReportField] = [
            ReportField("type", .text(clientData.type)),
            ReportField("challenge", .text(clientData.challenge)),
        ]
        if let challenge = try? Base64URL.decode(clientData.challenge) {
            fields.append(ReportField("challengeHex", "challenge (hex)", .bytes(challenge)))
        } else {
            fields.append(ReportField("challengeHex", "challenge (hex)", .null))
            fields.append(ReportField("challengeWarning", "challenge warning", .text("the challenge is not unpadded base64url")))
        }
        fields.append(ReportField("origin", .text(clientData.origin)))
        fields.append(ReportField("crossOrigin", clientData.crossOrigin.map(ReportValue.bool) ?? .null))
        fields.append(ReportField("topOrigin", clientData.topOrigin.map(ReportValue.text) ?? .null))

        var body = clientData.rawBytes
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
        if case .object(let members)? = try? JSONParser().parse(body) {
            let others = members.filter { !knownMembers.contains($0.0) }
            if !others.isEmpty {
                fields.append(ReportField("otherMembers", "other members",
                                          .object(others.map { ReportField($0.0, JSONReport.value($0.1)) })))
            }
        }
        fields.append(ReportField("clientDataHash", "SHA-256 (clientDataHash)", .bytes(clientData.hash)))
        fields.append(ReportField("length", "length (bytes)", .integer(Int64(clientData.rawBytes.count))))
        return .object(fields)
    }
}

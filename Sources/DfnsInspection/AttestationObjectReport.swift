import DfnsCBOR
import DfnsCrypto
import DfnsWebAuthn
import DfnsEncoding

/// Describes an attestation object: `fmt`, the members of `attStmt` (algorithms by name,
/// certificates decoded, a SafetyNet JWS opened), and the authenticator data.
enum AttestationObjectReport {
    static func value(_ object: AttestationObject, rpId: String?) -> ReportValue {
        .object([
            ReportField("fmt", .text(object.format)),
            ReportField("attStmt", statement(object.statement, format: object.format, depth: 0)),
            ReportField("authData", AuthenticatorDataReport.value(object.authenticatorData, rpId: rpId)),
        ])
    }

    /// The members of an `attStmt`; for `compound`, each inner `{fmt, attStmt}` in turn.
    static func statement(_ statement: CBORValue, format: String, depth: Int) -> ReportValue {
        switch statement {
        case .array(let items) where depth < 4:
            return .list(items.map { item in
                guard let map = item.mapValue, let fmt = map[text: "fmt"]?.textValue, let inner = map[text: "attStmt"] else {
                    return CBORReport.value(item)
                }
                return .object([ReportField("fmt", .text(fmt)), ReportField("attStmt", self.statement(inner, format: fmt, depth: depth + 1))])
            })
        case .map(let map):
            var fields: [ReportField] = []
            for (key, value) in map.entries {
                let name = key.textValue ?? key.description
                fields += member(name, value)
            }
            return .object(fields)
        default:
            return CBORReport.value(statement)
        }
    }

    static func member(_ name: String, _ value: CBORValue) -> [ReportField] {
        switch (name, value) {
        case ("alg", _):
            guard let alg = value.int64Value else { break }
            return [
                ReportField("alg", "alg", .text(Names.labelled(alg, Names.algorithm(alg))), audience: .person),
                ReportField("alg", .integer(alg), audience: .machine),
                ReportField("algName", .text(Names.algorithm(alg) ?? "unknown"), audience: .machine),
            ]
        case ("x5c", .array(let items)):
            return [ReportField("x5c", .list(items.map { item in
                guard let der = item.bytesValue else { return CBORReport.value(item) }
                return CertificateReport.value(der: der)
            }))]
        case ("response", .bytes(let bytes)):
            return [ReportField("response", "response (JWS)", JWSReport.value(bytes))]
        default:
            break
        }
        return [ReportField(name, CBORReport.value(value))]
    }
}

/// Opens a compact JWS (a SafetyNet attestation response) without verifying it: header, x5c
/// certificates, payload members.
enum JWSReport {
    static func value(_ bytes: [UInt8]) -> ReportValue {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            return .object([
                ReportField("error", .text("not a compact JWS: \(parts.count) dot-separated parts")),
                ReportField("bytes", .bytes(bytes)),
            ])
        }
        var fields: [ReportField] = []
        let header = json(parts[0])
        switch header {
        case .success(let h):
            if let alg = h["alg"]?.stringValue { fields.append(ReportField("alg", .text(alg))) }
            if let x5c = h["x5c"]?.arrayValue {
                fields.append(ReportField("x5c", .list(x5c.map { item in
                    guard let text = item.stringValue, let der = try? Base64.decode(text) else {
                        return .text("x5c entry is not standard base64")
                    }
                    return CertificateReport.value(der: der)
                })))
            }
        case .failure(let message):
            fields.append(ReportField("headerError", "header", .text(message)))
        }
        switch json(parts[1]) {
        case .success(let payload): fields.append(ReportField("payload", JSONReport.value(payload)))
        case .failure(let message): fields.append(ReportField("payloadError", "payload", .text(message)))
        }
        let signature = (try? Base64URL.decode(String(decoding: parts[2], as: UTF8.self))) ?? []
        fields.append(ReportField("signatureLength", "signature length", .integer(Int64(signature.count))))
        return .object(fields)
    }

    enum Decoded {
        case success(JSONValue)
        case failure(String)
    }

    static func json(_ part: ArraySlice<UInt8>) -> Decoded {
        let bytes: [UInt8]
        do {
            bytes = try Base64URL.decode(String(decoding: part, as: UTF8.self))
        } catch {
            return .failure("not base64url: \(error)")
        }
        do {
            return .success(try JSONParser().parse(bytes))
        } catch {
            return .failure("not JSON: \(error)")
        }
    }
}

/// Converts parsed JSON into report values (numbers keep their source text).
enum JSONReport {
    static func value(_ json: JSONValue) -> ReportValue {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .string(let s): return .text(s)
        case .array(let items): return .list(items.map(value))
        case .object(let members): return .object(members.map { ReportField($0.0, value($0.1)) })
        }
    }
}

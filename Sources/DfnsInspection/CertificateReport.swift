import DfnsCrypto
import DfnsWebAuthn
import DfnsEncoding

/// Describes an X.509 certificate from an attestation statement.
enum CertificateReport {
    /// The FIDO AAGUID extension (id-fido-gen-ce-aaguid).
    static let aaguidOID = "1.3.6.1.4.1.45724.1.1.4"

    static func value(der: [UInt8]) -> ReportValue {
        let certificate: Certificate
        do {
            certificate = try Certificate(der: der)
        } catch {
            return .object([
                ReportField("error", .text("not a DER certificate: \(error)")),
                ReportField("der", "DER", .bytes(der)),
            ])
        }
        var fields: [ReportField] = [
            ReportField("subject", .text(Names.distinguishedName(certificate.subject))),
            ReportField("issuer", .text(Names.distinguishedName(certificate.issuer))),
            ReportField("notBefore", "not before", .text(Names.utc(certificate.notBefore))),
            ReportField("notAfter", "not after", .text(Names.utc(certificate.notAfter))),
            ReportField("version", .integer(Int64(certificate.version)), audience: .machine),
            ReportField("selfIssued", "self-issued", .bool(certificate.isSelfIssued)),
        ]
        fields.append(ReportField("publicKey", "public key", .text(keyDescription(certificate))))
        if let constraints = try? certificate.basicConstraints {
            fields.append(ReportField("isCA", "CA", .bool(constraints.isCA)))
        }
        if let usages = try? certificate.extendedKeyUsage {
            fields.append(ReportField("extendedKeyUsage", "extended key usage", .list(usages.map { .text(Names.keyPurpose($0)) })))
        }
        if let ext = try? certificate.extensionValue(oid: aaguidOID) {
            // extnValue holds an OCTET STRING of 16 bytes: 04 10 <aaguid>.
            let value = ext.value
            if value.count == 18, value[0] == 0x04, value[1] == 0x10 {
                fields.append(ReportField("aaguidExtension", "AAGUID extension", .text(uuid(Array(value[2...])))))
            } else {
                fields.append(ReportField("aaguidExtension", "AAGUID extension", .bytes(value)))
            }
        }
        if let ext = try? certificate.extensionValue(oid: AndroidKeyDescription.extensionOID) {
            fields.append(ReportField("androidKeyDescription", "Android key description", androidKey(ext.value)))
        }
        fields.append(ReportField("sha256Fingerprint", "SHA-256 fingerprint", .bytes(certificate.sha256Fingerprint)))
        fields.append(ReportField("der", "DER", .bytes(der), audience: .machine))
        return .object(fields)
    }

    static func keyDescription(_ certificate: Certificate) -> String {
        guard let key = try? certificate.publicKey() else { return "cannot be decoded" }
        switch key.components {
        case .ec(let curve, _, _)?: return "EC \(curve.name)"
        case .okp(let curve, _)?: return curve.name
        case .rsa(let modulus, _)?: return "RSA \(COSEKeyReport.bitLength(modulus)) bits"
        case .mlDSA(let parameterSet, _)?: return parameterSet.name
        case nil: return "a key type the library does not support"
        }
    }

    static func androidKey(_ der: [UInt8]) -> ReportValue {
        do {
            let d = try AndroidKeyDescription(derEncoded: der)
            func level(_ v: Int64) -> String {
                switch v {
                case 0: return "0 (Software)"
                case 1: return "1 (TrustedEnvironment)"
                case 2: return "2 (StrongBox)"
                default: return String(v)
                }
            }
            return .object([
                ReportField("attestationVersion", "attestation version", .integer(d.attestationVersion)),
                ReportField("attestationSecurityLevel", "attestation security level", .text(level(d.attestationSecurityLevel))),
                ReportField("keymasterVersion", "keymaster version", .integer(d.keymasterVersion)),
                ReportField("keymasterSecurityLevel", "keymaster security level", .text(level(d.keymasterSecurityLevel))),
                ReportField("attestationChallenge", "attestation challenge", .bytes(d.attestationChallenge)),
            ])
        } catch {
            return .object([ReportField("error", .text("\(error.code.name): \(error.message)"))])
        }
    }

    static func uuid(_ bytes: [UInt8]) -> String {
        var out = ""
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out += "-" }
            out += Hex.encode([b])
        }
        return out
    }
}

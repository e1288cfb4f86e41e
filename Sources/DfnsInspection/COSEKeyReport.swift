import DfnsCBOR
import DfnsCrypto
import DfnsWebAuthn

/// Describes a COSE_Key: its parameters read from the map, then whether the library imports it.
enum COSEKeyReport {
    static func value(coseBytes: [UInt8], decoded: CBORValue) -> ReportValue {
        guard case .map(let map) = decoded else {
            return .object([ReportField("error", .text("COSE key is not a map: \(decoded)"))])
        }
        var fields: [ReportField] = []
        let kty = map[int: 1]?.int64Value
        var named: Set<Int64> = [1, 3]

        if let kty {
            fields.append(ReportField("kty", "key type", .text(Names.labelled(kty, Names.keyType(kty))), audience: .person))
            fields.append(ReportField("kty", .integer(kty), audience: .machine))
            fields.append(ReportField("ktyName", .text(Names.keyType(kty) ?? "unknown"), audience: .machine))
        }
        if let alg = map[int: 3]?.int64Value {
            fields.append(ReportField("alg", "algorithm", .text(Names.labelled(alg, Names.algorithm(alg))), audience: .person))
            fields.append(ReportField("alg", .integer(alg), audience: .machine))
            fields.append(ReportField("algName", .text(Names.algorithm(alg) ?? "unknown"), audience: .machine))
        }

        func bytesField(_ label: Int64, _ key: String, _ text: String) {
            guard let item = map[int: label] else { return }
            named.insert(label)
            fields.append(ReportField(key, text, item.bytesValue.map(ReportValue.bytes) ?? CBORReport.value(item)))
        }
        switch kty {
        case 1?, 2?:
            if let crv = map[int: -1]?.int64Value {
                named.insert(-1)
                fields.append(ReportField("crv", "curve", .text(Names.labelled(crv, Names.curve(crv))), audience: .person))
                fields.append(ReportField("crv", .integer(crv), audience: .machine))
                fields.append(ReportField("crvName", .text(Names.curve(crv) ?? "unknown"), audience: .machine))
            }
            bytesField(-2, "x", "x")
            if kty == 2 { bytesField(-3, "y", "y") }
            if kty == 1, map[int: -4] != nil {
                named.insert(-4)
                fields.append(ReportField("warning", .text("the key contains a private key (label -4)")))
            }
        case 3?:
            if let n = map[int: -1]?.bytesValue {
                fields.append(ReportField("modulusBits", "modulus bits", .integer(Int64(bitLength(n)))))
            }
            bytesField(-1, "n", "modulus (n)")
            bytesField(-2, "e", "exponent (e)")
        case 7?:
            bytesField(-1, "pub", "public key")
        default:
            break
        }
        let others = map.entries.filter { entry in
            guard let label = entry.key.int64Value else { return true }
            return !named.contains(label)
        }
        if !others.isEmpty {
            fields.append(ReportField("otherParameters", "other parameters",
                                      .object(others.map { ReportField($0.key.description, CBORReport.value($0.value)) })))
        }

        do {
            let key = try CredentialPublicKey(coseBytes: coseBytes)
            fields.append(ReportField("valid", "imports", .bool(true)))
            fields.append(ReportField("spkiPEM", "public key (PEM)", .text(key.publicKey.pem)))
        } catch {
            fields.append(ReportField("valid", "imports", .bool(false)))
            fields.append(ReportField("error", .text("\(error.code.name): \(error.message)")))
        }
        fields.append(ReportField("cose", "COSE bytes", .bytes(coseBytes), audience: .machine))
        return .object(fields)
    }

    /// The bit length of an unsigned big-endian integer.
    static func bitLength(_ bytes: [UInt8]) -> Int {
        guard let first = bytes.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (bytes.count - first) * 8 - bytes[first].leadingZeroBitCount
    }
}

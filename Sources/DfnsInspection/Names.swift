import DfnsEncoding
import DfnsCrypto

/// Names of the registry values `inspect` shows (COSE key types, algorithms and curves; X.500
/// attribute types).
enum Names {
    /// COSE key type (RFC 9052 §7 and the IANA registry).
    static func keyType(_ kty: Int64) -> String? {
        switch kty {
        case 1: return "OKP"
        case 2: return "EC2"
        case 3: return "RSA"
        case 4: return "Symmetric"
        case 5: return "HSS-LMS"
        case 6: return "WalnutDSA"
        case 7: return "AKP"
        default: return nil
        }
    }

    /// COSE algorithm: the ones the library verifies, then a few others WebAuthn authenticators emit.
    static func algorithm(_ alg: Int64) -> String? {
        if let known = COSEAlgorithm(rawValue: alg) { return known.name }
        switch alg {
        case -48: return "ML-DSA-44"
        case -49: return "ML-DSA-65"
        case -50: return "ML-DSA-87"
        case -46: return "HSS-LMS"
        case -260: return "WalnutDSA"
        default: return nil
        }
    }

    /// COSE elliptic curve.
    static func curve(_ crv: Int64) -> String? {
        switch crv {
        case 1: return "P-256"
        case 2: return "P-384"
        case 3: return "P-521"
        case 4: return "X25519"
        case 5: return "X448"
        case 6: return "Ed25519"
        case 7: return "Ed448"
        case 8: return "secp256k1"
        default: return nil
        }
    }

    /// `value (name)`, or `value` alone when the name is unknown.
    static func labelled(_ value: Int64, _ name: String?) -> String {
        name.map { "\(value) (\($0))" } ?? String(value)
    }

    /// Short names of common X.500 attribute types, as OpenSSL prints them.
    static func attribute(_ oid: String) -> String {
        switch oid {
        case "2.5.4.3": return "CN"
        case "2.5.4.4": return "SN"
        case "2.5.4.5": return "serialNumber"
        case "2.5.4.6": return "C"
        case "2.5.4.7": return "L"
        case "2.5.4.8": return "ST"
        case "2.5.4.9": return "street"
        case "2.5.4.10": return "O"
        case "2.5.4.11": return "OU"
        case "2.5.4.12": return "title"
        case "2.5.4.42": return "GN"
        case "2.23.133.2.1": return "TPMManufacturer"
        case "2.23.133.2.2": return "TPMModel"
        case "2.23.133.2.3": return "TPMVersion"
        case "1.2.840.113549.1.9.1": return "emailAddress"
        case "0.9.2342.19200300.100.1.25": return "DC"
        default: return oid
        }
    }

    /// A distinguished name as `CN=…, O=…` in encoding order; `(empty)` for an empty name.
    static func distinguishedName(_ name: DistinguishedName) -> String {
        guard !name.isEmpty else { return "(empty)" }
        return name.attributes.map { "\(attribute($0.oid))=\($0.value)" }.joined(separator: ", ")
    }

    /// Extended key usage purposes that attestation certificates carry.
    static func keyPurpose(_ oid: String) -> String {
        switch oid {
        case "1.3.6.1.5.5.7.3.1": return "\(oid) (serverAuth)"
        case "1.3.6.1.5.5.7.3.2": return "\(oid) (clientAuth)"
        case "2.23.133.8.3": return "\(oid) (tcg-kp-AIKCertificate)"
        case "1.3.6.1.4.1.311.21.36": return "\(oid) (Microsoft AIK)"
        default: return oid
        }
    }

    /// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
    static func utc(_ seconds: Int64) -> String {
        guard seconds > -(1 << 48), seconds < 1 << 48 else { return String(seconds) }
        return CivilDate.iso8601(unixSeconds: seconds, milliseconds: nil)
    }
}

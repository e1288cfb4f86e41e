import COpenSSL
import COpenSSLShims

extension Certificate {
    /// The extension with type `oid` (dotted form, e.g. `1.3.6.1.4.1.45724.1.1.4`): its criticality
    /// and the contents of its `extnValue` OCTET STRING (the DER of the extension's own value).
    ///
    /// Returns nil when the extension is absent. Throws ``CryptoError/certificate(_:)`` when `oid` is
    /// not a dotted OID or the extension appears more than once.
    public func extensionValue(oid: String) throws(CryptoError) -> (critical: Bool, value: [UInt8])? {
        let object = try Certificate.makeObject(oid: oid)
        defer { ASN1_OBJECT_free(object) }
        let index = X509_get_ext_by_OBJ(x509, object, -1)
        guard index >= 0 else { return nil }
        guard X509_get_ext_by_OBJ(x509, object, index) < 0 else {
            throw .certificate("extension \(oid) appears more than once")
        }
        guard let ext = X509_get_ext(x509, index), let data = X509_EXTENSION_get_data(ext) else {
            throw .certificate("extension \(oid) cannot be read")
        }
        let critical = X509_EXTENSION_get_critical(ext) == 1
        return (critical: critical, value: CertificateASN1.bytes(data))
    }

    /// The basicConstraints extension: its criticality and `cA` flag. Nil when absent.
    /// Throws ``CryptoError/certificate(_:)`` when it is duplicated or malformed.
    public var basicConstraints: (critical: Bool, isCA: Bool)? {
        get throws(CryptoError) {
            guard let decoded = try decodeExtension(nid: NID_basic_constraints, name: "basicConstraints")
            else { return nil }
            let constraints = decoded.value.assumingMemoryBound(to: BASIC_CONSTRAINTS.self)
            defer { BASIC_CONSTRAINTS_free(constraints) }
            let isCA = constraints.pointee.ca != 0
            return (critical: decoded.critical, isCA: isCA)
        }
    }

    /// The directoryName entries of the subjectAltName extension, in order (other name types are
    /// skipped). Empty when the extension is absent or has no directoryName. Throws
    /// ``CryptoError/certificate(_:)`` when the extension is duplicated or malformed, or a name
    /// cannot be decoded.
    public var subjectAlternativeNameDirectoryNames: [DistinguishedName] {
        get throws(CryptoError) {
            guard let decoded = try decodeExtension(nid: NID_subject_alt_name, name: "subjectAltName")
            else { return [] }
            let names = OpaquePointer(decoded.value)
            defer { GENERAL_NAMES_free(names) }
            let count = dfns_x509_general_names_count(names)
            var result: [DistinguishedName] = []
            var index: Int32 = 0
            while index < count {
                if let directoryName = dfns_x509_general_name_dirname(names, index) {
                    result.append(try DistinguishedName(x509Name: directoryName))
                }
                index += 1
            }
            return result
        }
    }

    /// The extendedKeyUsage key purposes as dotted OIDs, in order (e.g. `2.23.133.8.3` for
    /// tcg-kp-AIKCertificate). Nil when the extension is absent. Throws
    /// ``CryptoError/certificate(_:)`` when it is duplicated or malformed.
    public var extendedKeyUsage: [String]? {
        get throws(CryptoError) {
            guard let decoded = try decodeExtension(nid: NID_ext_key_usage, name: "extendedKeyUsage")
            else { return nil }
            let usages = OpaquePointer(decoded.value)
            defer { EXTENDED_KEY_USAGE_free(usages) }
            let count = dfns_x509_eku_count(usages)
            var result: [String] = []
            var index: Int32 = 0
            while index < count {
                guard let object = dfns_x509_eku_value(usages, index) else {
                    throw .certificate("extendedKeyUsage entry \(index) is missing")
                }
                result.append(try CertificateASN1.oidString(object))
                index += 1
            }
            return result
        }
    }

    /// `X509_get_ext_d2i` for `nid`: nil when absent, the decoded structure (to be freed by the
    /// caller) and criticality otherwise; throws when the extension is duplicated or does not decode.
    private func decodeExtension(nid: Int32, name: String) throws(CryptoError)
        -> (value: UnsafeMutableRawPointer, critical: Bool)?
    {
        var critical: Int32 = 0
        guard let value = X509_get_ext_d2i(x509, nid, &critical, nil) else {
            CertificateASN1.clearErrors()
            switch critical {
            case -1: return nil
            case -2: throw .certificate("\(name) extension appears more than once")
            default: throw .certificate("\(name) extension is malformed")
            }
        }
        return (value: value, critical: critical == 1)
    }

    /// `OBJ_txt2obj(oid, 1)`: dotted form only. The caller frees the result with `ASN1_OBJECT_free`.
    private static func makeObject(oid: String) throws(CryptoError) -> OpaquePointer {
        guard isDottedOID(oid) else {
            throw .certificate("not a dotted object identifier: \(oid)")
        }
        guard let object = oid.withCString({ OBJ_txt2obj($0, 1) }) else {
            throw .certificate(CertificateASN1.drainErrors(fallback: "not a valid object identifier: \(oid)"))
        }
        return object
    }

    /// True for `arc(.arc)+` with decimal arcs without leading zeros and a first arc of 0, 1 or 2.
    private static func isDottedOID(_ oid: String) -> Bool {
        let arcs = oid.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard arcs.count >= 2, let first = arcs.first, first.count == 1,
              let firstDigit = first.first, firstDigit >= UInt8(ascii: "0"), firstDigit <= UInt8(ascii: "2")
        else { return false }
        for arc in arcs {
            guard let leading = arc.first, arc.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else { return false }
            if leading == UInt8(ascii: "0") && arc.count > 1 { return false }
        }
        return true
    }
}

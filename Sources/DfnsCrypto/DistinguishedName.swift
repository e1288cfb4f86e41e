import COpenSSL
import COpenSSLShims

/// An X.501 distinguished name (an X.509 subject, issuer or directoryName), as the ordered list of
/// its attributes. Multi-valued RDNs are flattened in encoding order.
public struct DistinguishedName: Sendable, Equatable, CustomStringConvertible {
    /// The attributes in encoding order: the attribute type as a dotted OID string (e.g. `2.5.4.3`
    /// for commonName) and its value converted to UTF-8.
    public var attributes: [(oid: String, value: String)]

    /// Creates a name from attributes in encoding order.
    public init(attributes: [(oid: String, value: String)] = []) {
        self.attributes = attributes
    }

    /// True when the name has no attributes (e.g. the empty subject of a TPM AIK certificate).
    public var isEmpty: Bool { attributes.isEmpty }

    /// The values of every attribute whose type is `oid` (dotted form), in encoding order.
    public func values(oid: String) -> [String] {
        attributes.compactMap { $0.oid == oid ? $0.value : nil }
    }

    /// Two names are equal when they have the same attributes (OID and value) in the same order.
    public static func == (lhs: DistinguishedName, rhs: DistinguishedName) -> Bool {
        guard lhs.attributes.count == rhs.attributes.count else { return false }
        for (l, r) in zip(lhs.attributes, rhs.attributes) where l.oid != r.oid || l.value != r.value {
            return false
        }
        return true
    }

    /// A one-line rendering such as `2.5.4.3=Apple WebAuthn Root CA, 2.5.4.10=Apple Inc.`
    /// (encoding order, OIDs in dotted form, values unescaped). For messages only.
    public var description: String {
        attributes.map { "\($0.oid)=\($0.value)" }.joined(separator: ", ")
    }
}

extension DistinguishedName {
    /// Reads an `X509_NAME*` (borrowed). Fails when an attribute type cannot be rendered as an OID
    /// or a value cannot be converted to valid UTF-8.
    internal init(x509Name name: OpaquePointer) throws(CryptoError) {
        let count = X509_NAME_entry_count(name)
        var attributes: [(oid: String, value: String)] = []
        attributes.reserveCapacity(count > 0 ? Int(count) : 0)
        var index: Int32 = 0
        while index < count {
            guard let entry = X509_NAME_get_entry(name, index),
                  let object = X509_NAME_ENTRY_get_object(entry),
                  let data = X509_NAME_ENTRY_get_data(entry)
            else {
                throw .certificate("name attribute \(index) is missing")
            }
            let oid = try CertificateASN1.oidString(object)
            let value = try CertificateASN1.utf8String(data)
            attributes.append((oid: oid, value: value))
            index += 1
        }
        self.attributes = attributes
    }
}

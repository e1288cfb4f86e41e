import DfnsCrypto
import DfnsEncoding

/// The part of a FIDO Metadata Statement (Metadata Statement v3.0, §4) that trust evaluation and
/// reports use. Other members (`upv`, `userVerificationDetails`, `icon`, ...) are ignored; the
/// `icon` data URL in particular is never kept.
public struct MetadataStatement: Sendable {
    /// A human-readable model name, e.g. "YubiKey 5 Series".
    public let description: String
    /// The firmware version the statement describes.
    public let authenticatorVersion: Int64
    /// `"fido2"`, `"u2f"` or `"uaf"`.
    public let protocolFamily: String
    /// The statement schema version (3 for MDS3).
    public let schema: Int64
    /// The AAGUID (FIDO2 authenticators), 16 bytes.
    public let aaguid: [UInt8]?
    /// The AAID (UAF authenticators).
    public let aaid: String?
    /// Attestation certificate key identifiers (U2F authenticators), lowercase hex.
    public let attestationCertificateKeyIdentifiers: [String]
    /// The attestation types the model supports (`basic_full`, `basic_surrogate`, `attca`, ...).
    public let attestationTypes: [String]
    /// The roots (or intermediates) its attestation certificates chain to, decoded from standard
    /// base64 DER.
    public let attestationRootCertificates: [Certificate]

    /// Reads a statement; `path` names it in errors.
    init(_ value: JSONValue, path: String) throws(WebAuthnError) {
        let fields = try MetadataJSONFields(value, path: path)
        description = try fields.string("description")
        authenticatorVersion = try fields.integer("authenticatorVersion")
        protocolFamily = try fields.string("protocolFamily")
        schema = try fields.integer("schema")
        aaguid = try fields.optionalAAGUID("aaguid")
        aaid = try fields.optionalString("aaid")
        attestationCertificateKeyIdentifiers = try fields.keyIdentifiers("attestationCertificateKeyIdentifiers")
        attestationTypes = try fields.strings("attestationTypes")
        var roots: [Certificate] = []
        for (index, text) in try fields.strings("attestationRootCertificates").enumerated() {
            let name = "\(fields.pathOf("attestationRootCertificates"))[\(index)]"
            let der: [UInt8]
            do {
                der = try Base64.decode(text)
            } catch {
                throw WebAuthnError(.metadataInvalid, "MDS3 BLOB \(name) must be standard padded base64 DER: \(error)")
            }
            do {
                roots.append(try Certificate(der: der))
            } catch {
                throw WebAuthnError(.metadataInvalid, "MDS3 BLOB \(name) is not one DER certificate: \(error)")
            }
        }
        attestationRootCertificates = roots
    }
}

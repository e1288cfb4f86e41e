import DfnsEncoding

/// What a registration result says about the authenticator's metadata entry: the model's
/// description and its current status, with identifiers. No icon, no statement bulk.
public struct MetadataEntrySummary: Sendable, Equatable {
    /// The model's description, e.g. "YubiKey 5 Series".
    public let description: String?
    /// The latest status.
    public let status: AuthenticatorStatus?
    /// When the latest status took effect, `YYYY-MM-DD`.
    public let statusEffectiveDate: String?
    /// The AAGUID of the entry, 16 bytes.
    public let aaguid: [UInt8]?
    /// The entry's attestation certificate key identifiers (lowercase hex).
    public let attestationCertificateKeyIdentifiers: [String]
    /// The statement's firmware version.
    public let authenticatorVersion: Int64?
    /// `"fido2"`, `"u2f"` or `"uaf"`.
    public let protocolFamily: String?
    /// The attestation types the model supports.
    public let attestationTypes: [String]
    /// When the status last changed, `YYYY-MM-DD`.
    public let timeOfLastStatusChange: String?

    /// Summarizes `entry`.
    public init(_ entry: MetadataEntry) {
        let latest = entry.latestStatusReport
        description = entry.metadataStatement?.description
        status = latest?.status
        statusEffectiveDate = latest?.effectiveDate
        aaguid = entry.aaguid ?? entry.metadataStatement?.aaguid
        var identifiers = entry.attestationCertificateKeyIdentifiers
        for identifier in entry.metadataStatement?.attestationCertificateKeyIdentifiers ?? [] where !identifiers.contains(identifier) {
            identifiers.append(identifier)
        }
        attestationCertificateKeyIdentifiers = identifiers
        authenticatorVersion = entry.metadataStatement?.authenticatorVersion
        protocolFamily = entry.metadataStatement?.protocolFamily
        attestationTypes = entry.metadataStatement?.attestationTypes ?? []
        timeOfLastStatusChange = entry.timeOfLastStatusChange
    }

    /// The summary as one JSON object: `description`, `status`, `statusEffectiveDate`, `aaguid`
    /// (lowercase hex, 32 digits), `attestationCertificateKeyIdentifiers`, `authenticatorVersion`,
    /// `protocolFamily`, `attestationTypes`, `timeOfLastStatusChange`; absent values are null.
    public var json: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        return .object([
            ("description", text(description)),
            ("status", text(status?.rawValue)),
            ("statusEffectiveDate", text(statusEffectiveDate)),
            ("aaguid", text(aaguid.map { Hex.encode($0) })),
            ("attestationCertificateKeyIdentifiers", .array(attestationCertificateKeyIdentifiers.map { .string($0) })),
            ("authenticatorVersion", authenticatorVersion.map { .number(String($0)) } ?? .null),
            ("protocolFamily", text(protocolFamily)),
            ("attestationTypes", .array(attestationTypes.map { .string($0) })),
            ("timeOfLastStatusChange", text(timeOfLastStatusChange)),
        ])
    }
}

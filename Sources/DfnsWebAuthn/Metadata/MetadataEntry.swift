import DfnsEncoding

/// One entry of a metadata BLOB (FIDO Metadata Service v3.0, §3.1.1 "Metadata BLOB Payload
/// Entry dictionary"): an authenticator model, identified by AAGUID, AAID or attestation
/// certificate key identifiers, with its statement and status history.
public struct MetadataEntry: Sendable {
    /// The AAID (UAF authenticators).
    public let aaid: String?
    /// The AAGUID (FIDO2 authenticators), 16 bytes.
    public let aaguid: [UInt8]?
    /// Attestation certificate key identifiers (U2F and some FIDO2 authenticators), lowercase hex
    /// SHA-1 of the certificate's subjectPublicKey bits.
    public let attestationCertificateKeyIdentifiers: [String]
    /// The metadata statement, when the entry carries one.
    public let metadataStatement: MetadataStatement?
    /// The status reports, in BLOB order.
    public let statusReports: [StatusReport]
    /// When the status last changed, `YYYY-MM-DD`.
    public let timeOfLastStatusChange: String?

    /// Reads entry `index` of the BLOB's `entries`.
    init(_ value: JSONValue, index: Int) throws(WebAuthnError) {
        let path = "entries[\(index)]"
        let fields = try MetadataJSONFields(value, path: path)
        aaid = try fields.optionalString("aaid")
        aaguid = try fields.optionalAAGUID("aaguid")
        attestationCertificateKeyIdentifiers = try fields.keyIdentifiers("attestationCertificateKeyIdentifiers")
        metadataStatement = try fields.member("metadataStatement").map { (statement) throws(WebAuthnError) in
            try MetadataStatement(statement, path: fields.pathOf("metadataStatement"))
        }
        var reports: [StatusReport] = []
        for (reportIndex, report) in try fields.requiredArray("statusReports").enumerated() {
            reports.append(try StatusReport(report, path: "\(fields.pathOf("statusReports"))[\(reportIndex)]"))
        }
        statusReports = reports
        timeOfLastStatusChange = try fields.optionalDate("timeOfLastStatusChange")
        if let statementAAGUID = metadataStatement?.aaguid, let aaguid, statementAAGUID != aaguid {
            throw WebAuthnError(.metadataInvalid,
                                "MDS3 BLOB \(path).metadataStatement.aaguid \(Hex.encode(statementAAGUID)) differs from \(path).aaguid \(Hex.encode(aaguid))")
        }
    }

    /// The report that states the current status: the one with the latest `effectiveDate`
    /// (reports without a date count as earliest; among equal dates the later in the BLOB wins).
    public var latestStatusReport: StatusReport? {
        var latest: StatusReport? = nil
        for report in statusReports {
            guard let current = latest else { latest = report; continue }
            if (report.effectiveDate ?? "") >= (current.effectiveDate ?? "") { latest = report }
        }
        return latest
    }

    /// The current status (of ``latestStatusReport``).
    public var status: AuthenticatorStatus? { latestStatusReport?.status }

    /// The model's description, from its statement.
    public var description: String? { metadataStatement?.description }
}

import DfnsEncoding

/// One status report of a metadata BLOB entry (FIDO Metadata Service v3.0, §3.1.3
/// "StatusReport dictionary"): the fields the library uses; the rest are ignored.
public struct StatusReport: Sendable, Equatable {
    /// The status.
    public let status: AuthenticatorStatus
    /// When the status took effect, `YYYY-MM-DD`, if the report says.
    public let effectiveDate: String?
    /// The authenticator firmware version the report applies to, if the report says.
    public let authenticatorVersion: Int64?
    /// A URL with more information (a security notice), if any.
    public let url: String?

    /// Creates a report.
    public init(status: AuthenticatorStatus, effectiveDate: String? = nil, authenticatorVersion: Int64? = nil, url: String? = nil) {
        self.status = status
        self.effectiveDate = effectiveDate
        self.authenticatorVersion = authenticatorVersion
        self.url = url
    }

    /// Reads a report from `value`; `path` names it in errors (e.g. `entries[3].statusReports[0]`).
    init(_ value: JSONValue, path: String) throws(WebAuthnError) {
        let fields = try MetadataJSONFields(value, path: path)
        status = AuthenticatorStatus(rawValue: try fields.string("status"))
        effectiveDate = try fields.optionalDate("effectiveDate")
        authenticatorVersion = try fields.optionalInteger("authenticatorVersion")
        url = try fields.optionalString("url")
    }
}

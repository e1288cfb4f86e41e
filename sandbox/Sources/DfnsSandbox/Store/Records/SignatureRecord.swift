import GRDB

/// A signature request of `POST /keys/{keyId}/signatures` and its outcome.
public struct SignatureRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "signature"
    public var id: String
    public var orgId: String
    public var keyId: String
    public var walletId: String?
    public var requesterId: String
    public var requesterTokenId: String?
    /// The request body as JSON text.
    public var requestBody: String
    /// `Pending`, `Signed`, `Failed` or `Rejected`.
    public var status: String
    public var reason: String?
    /// JSON `{r, s, recid?, encoded}` once signed.
    public var signature: String?
    public var approvalId: String?
    public var externalId: String?
    public var dateRequested: String
    public var datePolicyResolved: String?
    public var dateSigned: String?
}

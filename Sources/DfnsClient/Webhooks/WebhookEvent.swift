import DfnsEncoding

/// A webhook event whose signature and age ``WebhookVerifier`` checked
/// (reference/dfns-protocol.md §9, §15.4).
///
/// Dfns delivers at least once and may retry (up to 5 attempts over 24 hours), so handle events
/// idempotently by ``deduplicationKey``.
public struct WebhookEvent: Sendable, Equatable {
    /// `id`: the event id, the same on every delivery attempt.
    public let id: String
    /// `kind`, e.g. `wallet.created`, `wallet.signature.signed`, `policy.approval.pending`.
    public let kind: String
    /// `date`: when the event happened (ISO 8601 text as sent).
    public let date: String
    /// `timestampSent`: when this delivery was sent, Unix seconds.
    public let timestampSent: Int64
    /// `deliveryAttempt`: 1 for the first delivery, when present.
    public let deliveryAttempt: Int64?
    /// `status`, when present.
    public let status: String?
    /// `retryOf`: the id of the delivery this one retries, when present.
    public let retryOf: String?
    /// `data`: the event's payload, as parsed.
    public let data: JSONValue
    /// The whole body, as parsed.
    public let body: JSONValue

    /// The key to de-duplicate deliveries by: the event ``id``.
    public var deduplicationKey: String { id }

    /// An event with the given members.
    public init(id: String, kind: String, date: String, timestampSent: Int64, deliveryAttempt: Int64?,
                status: String?, retryOf: String?, data: JSONValue, body: JSONValue) {
        self.id = id
        self.kind = kind
        self.date = date
        self.timestampSent = timestampSent
        self.deliveryAttempt = deliveryAttempt
        self.status = status
        self.retryOf = retryOf
        self.data = data
        self.body = body
    }
}

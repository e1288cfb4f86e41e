import DfnsEncoding

/// What an error response of the Dfns API says, read from any of the shapes servers have used
/// (reference/dfns-protocol.md §10): `{"error":{"id","status","message","details"}}` (current),
/// `{"error":{"message"}}` (older), and top-level `{"message","details"}`. Anything else, a non-JSON
/// body included, gives an empty result rather than an error: the HTTP status still tells what
/// happened, and the caller keeps the raw body.
public struct APIErrorBody: Sendable, Equatable {
    /// The Dfns error identifier, when the server sent one.
    public var errorId: String?
    /// The human-readable message.
    public var message: String?
    /// The `status` member, when the server repeated the HTTP status in the body.
    public var status: Int?
    /// Structured details (e.g. `{"duplicate": {…}}` for an idempotency conflict).
    public var details: JSONValue?

    public init(errorId: String? = nil, message: String? = nil, status: Int? = nil, details: JSONValue? = nil) {
        self.errorId = errorId
        self.message = message
        self.status = status
        self.details = details
    }

    /// Reads `body` strictly (``JSONParser``, at most `maxLength` bytes); never throws.
    public init(parsing body: [UInt8], maxLength: Int = 1 << 20) {
        self.init()
        var parser = JSONParser()
        parser.maxLength = maxLength
        guard let document = try? parser.parse(body), case .object = document else { return }
        let envelope: JSONValue
        if let inner = document["error"], case .object = inner {
            envelope = inner
        } else {
            envelope = document
            if let text = document["error"]?.stringValue { errorId = text }
        }
        if let id = envelope["id"]?.stringValue { errorId = id }
        if errorId == nil, let code = envelope["code"]?.stringValue { errorId = code }
        message = envelope["message"]?.stringValue ?? document["message"]?.stringValue
        if let number = envelope["status"]?.int64Value, let value = Int(exactly: number) { status = value }
        details = envelope["details"] ?? document["details"]
    }

    /// The body Dfns sends today for an error: `{"error":{"id","status","message"[,"details"]}}`.
    public static func envelope(status: Int, errorId: String, message: String, details: JSONValue? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(errorId)), ("status", .number(String(status))),
                                              ("message", .string(message))]
        if let details { members.append(("details", details)) }
        return .object([("error", .object(members))])
    }
}

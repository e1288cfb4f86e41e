/// Header names of the Dfns API (matched case-insensitively by servers; written as the SDKs do).
public enum DfnsHeaders {
    /// The single-use user-action token.
    public static let userAction = "X-DFNS-USERACTION"
    /// `sha256=<hex HMAC-SHA256>` on webhook deliveries.
    public static let webhookSignature = "X-DFNS-WEBHOOK-SIGNATURE"
    /// The request id servers answer with (Java SDK: `X-Request-ID`).
    public static let requestId = "X-Request-ID"
    public static let authorization = "Authorization"
    public static let contentType = "Content-Type"
    public static let userAgent = "User-Agent"
    public static let retryAfter = "Retry-After"
}

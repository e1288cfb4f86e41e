import DfnsCrypto
import DfnsEncoding
import DfnsProtocol

/// Computes the `X-DFNS-WEBHOOK-SIGNATURE` header of a webhook delivery
/// (reference/dfns-protocol.md §9): `sha256=<lower-case hex HMAC-SHA256(secret, body)>` over the
/// raw body bytes, the secret's UTF-8 bytes as the key. For servers that send webhooks (the sandbox)
/// and for tests.
public enum WebhookSigner {
    /// The header name, `X-DFNS-WEBHOOK-SIGNATURE` (HTTP header names compare case-insensitively).
    public static let headerName = DfnsHeaders.webhookSignature
    /// The prefix of the header value.
    public static let schemePrefix = "sha256="

    /// The header value for `body` under `secret` (the webhook's `secret`, e.g. `whs-…`, as bytes).
    public static func signatureHeader(body: [UInt8], secret: SecretBytes) -> String {
        schemePrefix + Hex.encode(mac(body: body, secret: secret))
    }

    /// HMAC-SHA256(secret, body), the key copy wiped after use.
    internal static func mac(body: [UInt8], secret: SecretBytes) -> [UInt8] {
        var key = secret.copyBytes()
        defer { zeroize(&key) }
        return HMAC.sha256(key: key, message: body)
    }
}

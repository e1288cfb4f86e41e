/// Why ``WebhookVerifier`` refused a delivery: one case per reason, so that a receiver can log and
/// count them (and answer non-200, which makes Dfns retry). No case repeats the secret, the expected
/// MAC or the body.
public enum WebhookVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `X-DFNS-WEBHOOK-SIGNATURE` header (nil or empty).
    case missingSignatureHeader
    /// The header is not exactly one `sha256=<64 hex digits>` entry.
    case malformedSignatureHeader(String)
    /// The HMAC does not match: wrong secret, or the body was altered.
    case signatureMismatch
    /// The body is not a JSON object.
    case bodyNotJSON(String)
    /// A required member (`id`, `kind`, `date`, `data`, `timestampSent`) is missing or of the
    /// wrong type, or an optional one is of the wrong type.
    case invalidEvent(String)
    /// `timestampSent` is more than `maxAge` seconds before `now` (a replay or a stale retry).
    case tooOld(ageSeconds: Int64, maxAgeSeconds: Int64)
    /// `timestampSent` is more than the allowed clock skew after `now`.
    case fromTheFuture(aheadSeconds: Int64, allowedSkewSeconds: Int64)

    /// A stable short name per case: `missing_signature_header`, `malformed_signature_header`,
    /// `signature_mismatch`, `body_not_json`, `invalid_event`, `too_old`, `from_the_future`.
    public var reason: String {
        switch self {
        case .missingSignatureHeader: return "missing_signature_header"
        case .malformedSignatureHeader: return "malformed_signature_header"
        case .signatureMismatch: return "signature_mismatch"
        case .bodyNotJSON: return "body_not_json"
        case .invalidEvent: return "invalid_event"
        case .tooOld: return "too_old"
        case .fromTheFuture: return "from_the_future"
        }
    }

    /// A one-line description.
    public var description: String {
        switch self {
        case .missingSignatureHeader: return "missing X-DFNS-WEBHOOK-SIGNATURE header"
        case .malformedSignatureHeader(let m): return "malformed X-DFNS-WEBHOOK-SIGNATURE header: \(m)"
        case .signatureMismatch: return "webhook signature does not match the body"
        case .bodyNotJSON(let m): return "webhook body is not a JSON object: \(m)"
        case .invalidEvent(let m): return "webhook event is invalid: \(m)"
        case .tooOld(let age, let maxAge): return "webhook event was sent \(age) s ago, more than the allowed \(maxAge) s"
        case .fromTheFuture(let ahead, let skew):
            return "webhook event is timestamped \(ahead) s in the future, more than the allowed \(skew) s of clock skew"
        }
    }
}

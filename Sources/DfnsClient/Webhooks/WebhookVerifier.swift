import DfnsCrypto
import DfnsEncoding

/// Verifies a Dfns webhook delivery (reference/dfns-protocol.md §9, §15.4) and returns its event.
///
/// In order, each failure with its own ``WebhookVerificationError``:
/// 1. the `X-DFNS-WEBHOOK-SIGNATURE` value must be exactly one `sha256=<64 hex digits>` entry
///    (upper- or lower-case hex);
/// 2. HMAC-SHA256(secret, raw body bytes) must equal it, compared in constant time. The raw bytes
///    are authenticated, not a re-serialisation of parsed JSON, so the check does not depend on how
///    a JSON library re-encodes (which bytes Dfns MACs is documented as the JSON text it sends);
/// 3. only then is the body parsed (strictly: no duplicate members, valid UTF-8) and the event's
///    required members read;
/// 4. `timestampSent` must be at most ``maxAge`` seconds before `now` and at most
///    ``allowedFutureSkew`` seconds after it, which bounds replays of a captured delivery.
///
/// Replays within the age window are the caller's to drop: keep the ids of processed events
/// (``WebhookEvent/deduplicationKey``) for at least `maxAge`. Immutable; safe to share.
public struct WebhookVerifier: Sendable {
    /// The default maximum age, 300 seconds (the window of Dfns' documented verifier).
    public static let defaultMaxAge: Int64 = 300
    /// The default tolerance for a sender clock ahead of ours, 60 seconds.
    public static let defaultAllowedFutureSkew: Int64 = 60

    /// The webhook secret (`whs-…`) as bytes, wiped when released.
    private let secret: SecretBytes
    /// The maximum age of `timestampSent`, in seconds.
    public let maxAge: Int64
    /// How far `timestampSent` may be ahead of `now`, in seconds.
    public let allowedFutureSkew: Int64

    /// A verifier for the webhook whose creation returned `secret`.
    ///
    /// - Parameters:
    ///   - secret: the UTF-8 bytes of the webhook secret. An empty secret verifies nothing: every
    ///     delivery is refused with ``WebhookVerificationError/signatureMismatch``.
    ///   - maxAge: seconds; negative values count as 0.
    ///   - allowedFutureSkew: seconds; negative values count as 0.
    public init(secret: SecretBytes, maxAge: Int64 = WebhookVerifier.defaultMaxAge,
                allowedFutureSkew: Int64 = WebhookVerifier.defaultAllowedFutureSkew) {
        self.secret = secret
        self.maxAge = max(0, maxAge)
        self.allowedFutureSkew = max(0, allowedFutureSkew)
    }

    /// Verifies one delivery.
    ///
    /// - Parameters:
    ///   - body: the request body exactly as received.
    ///   - signatureHeader: the value of the `X-DFNS-WEBHOOK-SIGNATURE` header, nil when absent.
    ///   - now: the current time, Unix seconds.
    /// - Returns: the verified event.
    /// - Throws: ``WebhookVerificationError``.
    public func verify(body: [UInt8], signatureHeader: String?, now: Int64) throws(WebhookVerificationError) -> WebhookEvent {
        let presented = try WebhookVerifier.parseHeader(signatureHeader)
        guard secret.count > 0 else { throw .signatureMismatch }
        let expected = WebhookSigner.mac(body: body, secret: secret)
        guard ConstantTime.equals(expected, presented) else { throw .signatureMismatch }
        let event = try WebhookVerifier.parseEvent(body)
        try checkTime(event.timestampSent, now: now)
        return event
    }

    // MARK: - Steps

    /// The 32 MAC bytes of a `sha256=<hex>` header value.
    private static func parseHeader(_ header: String?) throws(WebhookVerificationError) -> [UInt8] {
        guard let header else { throw .missingSignatureHeader }
        // On UTF-8 bytes rather than Characters: the header is ASCII when valid, and grapheme
        // handling would cost more than the HMAC of a whole event.
        var value = Array(header.utf8)[...]
        // Optional white space around a field value is not part of it (RFC 9110 §5.5).
        while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
        guard !value.isEmpty else { throw .missingSignatureHeader }
        guard !value.contains(UInt8(ascii: ",")) else {
            throw .malformedSignatureHeader("more than one entry; expected exactly one sha256=<hex>")
        }
        let prefix = WebhookSigner.schemePrefix.utf8
        guard value.starts(with: prefix) else {
            throw .malformedSignatureHeader("expected sha256=<hex>")
        }
        let hex = value.dropFirst(prefix.count)
        guard hex.count == 64 else {
            throw .malformedSignatureHeader("expected 64 hex digits after sha256=, found \(hex.count) bytes")
        }
        do {
            return try Hex.decode(String(decoding: hex, as: UTF8.self))
        } catch {
            throw .malformedSignatureHeader("not hexadecimal: \(error.message)")
        }
    }

    /// Reads the event members of an authenticated body.
    private static func parseEvent(_ body: [UInt8]) throws(WebhookVerificationError) -> WebhookEvent {
        var parser = JSONParser()
        // The body is authenticated by now; bound it only by its own size and a generous depth.
        parser.maxLength = max(parser.maxLength, body.count)
        parser.maxDepth = 64
        let value: JSONValue
        do {
            value = try parser.parse(body)
        } catch {
            throw .bodyNotJSON(error.description)
        }
        guard case .object = value else { throw .bodyNotJSON("found a JSON \(value.typeName)") }

        func requiredString(_ name: String) throws(WebhookVerificationError) -> String {
            guard let member = value[name] else { throw .invalidEvent("missing member \"\(name)\"") }
            guard case .string(let text) = member else {
                throw .invalidEvent("member \"\(name)\" is a \(member.typeName), expected a string")
            }
            return text
        }
        func optionalString(_ name: String) throws(WebhookVerificationError) -> String? {
            guard let member = value[name], member != .null else { return nil }
            guard case .string(let text) = member else {
                throw .invalidEvent("member \"\(name)\" is a \(member.typeName), expected a string")
            }
            return text
        }
        func integer(_ member: JSONValue, _ name: String) throws(WebhookVerificationError) -> Int64 {
            guard let number = member.int64Value else {
                throw .invalidEvent("member \"\(name)\" is not an integer")
            }
            return number
        }

        let id = try requiredString("id")
        guard !id.isEmpty else { throw .invalidEvent("member \"id\" is empty") }
        let kind = try requiredString("kind")
        let date = try requiredString("date")
        guard let data = value["data"] else { throw .invalidEvent("missing member \"data\"") }
        guard let timestampMember = value["timestampSent"] else { throw .invalidEvent("missing member \"timestampSent\"") }
        let timestampSent = try integer(timestampMember, "timestampSent")
        var deliveryAttempt: Int64? = nil
        if let attempt = value["deliveryAttempt"], attempt != .null {
            deliveryAttempt = try integer(attempt, "deliveryAttempt")
        }
        return WebhookEvent(id: id, kind: kind, date: date, timestampSent: timestampSent,
                            deliveryAttempt: deliveryAttempt, status: try optionalString("status"),
                            retryOf: try optionalString("retryOf"), data: data, body: value)
    }

    /// The age window, without overflow for any pair of 64-bit times.
    private func checkTime(_ timestampSent: Int64, now: Int64) throws(WebhookVerificationError) {
        let (age, overflow) = now.subtractingReportingOverflow(timestampSent)
        if overflow {
            // The two are more than 2^63 seconds apart: far outside any window.
            if timestampSent < now { throw .tooOld(ageSeconds: Int64.max, maxAgeSeconds: maxAge) }
            throw .fromTheFuture(aheadSeconds: Int64.max, allowedSkewSeconds: allowedFutureSkew)
        }
        if age > maxAge { throw .tooOld(ageSeconds: age, maxAgeSeconds: maxAge) }
        // -Int64.min does not exist: that one difference is reported as Int64.max seconds ahead.
        if age < 0 {
            let ahead = age == Int64.min ? Int64.max : -age
            if ahead > allowedFutureSkew {
                throw .fromTheFuture(aheadSeconds: ahead, allowedSkewSeconds: allowedFutureSkew)
            }
        }
    }
}

import DfnsClient
import DfnsCrypto
import DfnsEncoding
import Testing

@Suite("Webhook signatures")
struct WebhookVerifierTests {
    struct Vector {
        let secret: SecretBytes
        let body: [UInt8]
        let header: String
        let parsed: JSONValue
        let timestampSent: Int64
    }

    static func vector() throws -> Vector {
        let body = try DfnsReferenceVectors.bytes("webhook", "payload")
        let parsed = try JSONParser().parse(body)
        return Vector(secret: SecretBytes(try DfnsReferenceVectors.bytes("webhook", "secret")),
                      body: body,
                      header: try DfnsReferenceVectors.string("webhook", "X-DFNS-WEBHOOK-SIGNATURE"),
                      parsed: parsed,
                      timestampSent: try #require(parsed["timestampSent"]?.int64Value))
    }

    /// `body` signed with the vector's secret.
    static func signed(_ text: String, secret: SecretBytes) -> (body: [UInt8], header: String) {
        let body = Array(text.utf8)
        return (body, WebhookSigner.signatureHeader(body: body, secret: secret))
    }

    @Test("the signer reproduces the vector's header and the verifier accepts the vector")
    func vectorRoundTrip() throws {
        let v = try Self.vector()
        #expect(WebhookSigner.signatureHeader(body: v.body, secret: v.secret) == v.header)
        let event = try WebhookVerifier(secret: v.secret).verify(body: v.body, signatureHeader: v.header, now: v.timestampSent)
        #expect(event.id == v.parsed["id"]?.stringValue)
        #expect(event.kind == v.parsed["kind"]?.stringValue)
        #expect(event.date == v.parsed["date"]?.stringValue)
        #expect(event.timestampSent == v.timestampSent)
        #expect(event.data == v.parsed["data"])
        #expect(event.body == v.parsed)
        #expect(event.deliveryAttempt == nil)
        #expect(event.deduplicationKey == event.id)
        #expect(WebhookSigner.headerName == "X-DFNS-WEBHOOK-SIGNATURE")
    }

    @Test("upper-case hex and surrounding white space are accepted")
    func headerForms() throws {
        let v = try Self.vector()
        let verifier = WebhookVerifier(secret: v.secret)
        let hex = v.header.dropFirst("sha256=".count)
        _ = try verifier.verify(body: v.body, signatureHeader: "sha256=" + hex.uppercased(), now: v.timestampSent)
        _ = try verifier.verify(body: v.body, signatureHeader: " \t" + v.header + " ", now: v.timestampSent)
    }

    @Test("missing and malformed headers are refused with their own reasons")
    func badHeaders() throws {
        let v = try Self.vector()
        let verifier = WebhookVerifier(secret: v.secret)
        let hex = String(v.header.dropFirst("sha256=".count))
        for header in [nil, "", "  "] as [String?] {
            #expect(throws: WebhookVerificationError.missingSignatureHeader) {
                try verifier.verify(body: v.body, signatureHeader: header, now: v.timestampSent)
            }
        }
        let malformed = [
            "sha1=" + hex,
            "SHA256=" + hex,
            hex,
            "sha256=" + hex.dropLast(),
            "sha256=" + hex + "0",
            "sha256=" + hex.dropLast(2) + "zz",
            "sha256=" + hex + ",sha256=" + hex,
            "t=1,sha256=" + hex,
            "sha256= " + hex,
            "sha256=",
        ]
        for header in malformed {
            do {
                _ = try verifier.verify(body: v.body, signatureHeader: header, now: v.timestampSent)
                Issue.record("accepted \(header)")
            } catch {
                #expect(error.reason == "malformed_signature_header", "\(header): \(error)")
            }
        }
    }

    @Test("a wrong secret, an altered body or an empty secret give signatureMismatch")
    func mismatches() throws {
        let v = try Self.vector()
        #expect(throws: WebhookVerificationError.signatureMismatch) {
            try WebhookVerifier(secret: SecretBytes(Array("whs-other".utf8)))
                .verify(body: v.body, signatureHeader: v.header, now: v.timestampSent)
        }
        var altered = v.body
        altered.append(0x20)
        #expect(throws: WebhookVerificationError.signatureMismatch) {
            try WebhookVerifier(secret: v.secret).verify(body: altered, signatureHeader: v.header, now: v.timestampSent)
        }
        var flipped = Array(v.header.utf8)
        flipped[flipped.count - 1] = flipped[flipped.count - 1] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(throws: WebhookVerificationError.signatureMismatch) {
            try WebhookVerifier(secret: v.secret).verify(body: v.body, signatureHeader: String(decoding: flipped, as: UTF8.self),
                                                         now: v.timestampSent)
        }
        let empty = SecretBytes([])
        let signedEmpty = Self.signed(String(decoding: v.body, as: UTF8.self), secret: empty)
        #expect(throws: WebhookVerificationError.signatureMismatch) {
            try WebhookVerifier(secret: empty).verify(body: signedEmpty.body, signatureHeader: signedEmpty.header, now: v.timestampSent)
        }
        // No secret or MAC in the message.
        let text = WebhookVerificationError.signatureMismatch.description
        #expect(!text.contains("whs-") && !text.contains(String(v.header.dropFirst(7))))
    }

    @Test("too old and from the future, at the edges of the window")
    func timeWindow() throws {
        let v = try Self.vector()
        let verifier = WebhookVerifier(secret: v.secret)
        _ = try verifier.verify(body: v.body, signatureHeader: v.header, now: v.timestampSent + 300)
        #expect(throws: WebhookVerificationError.tooOld(ageSeconds: 301, maxAgeSeconds: 300)) {
            try verifier.verify(body: v.body, signatureHeader: v.header, now: v.timestampSent + 301)
        }
        _ = try verifier.verify(body: v.body, signatureHeader: v.header, now: v.timestampSent - 60)
        #expect(throws: WebhookVerificationError.fromTheFuture(aheadSeconds: 61, allowedSkewSeconds: 60)) {
            try verifier.verify(body: v.body, signatureHeader: v.header, now: v.timestampSent - 61)
        }
        let strict = WebhookVerifier(secret: v.secret, maxAge: 10, allowedFutureSkew: 0)
        #expect(throws: WebhookVerificationError.tooOld(ageSeconds: 11, maxAgeSeconds: 10)) {
            try strict.verify(body: v.body, signatureHeader: v.header, now: v.timestampSent + 11)
        }
        #expect(throws: WebhookVerificationError.fromTheFuture(aheadSeconds: 1, allowedSkewSeconds: 0)) {
            try strict.verify(body: v.body, signatureHeader: v.header, now: v.timestampSent - 1)
        }
        // Extreme clocks and timestamps never trap.
        for (sent, now) in [(Int64.max, Int64.min), (Int64.min, Int64.max), (Int64.min, 0), (Int64.max, 0), (0, Int64.min)] {
            let event = #"{"id":"e","kind":"k","date":"d","data":{},"timestampSent":\#(sent)}"#
            let signed = Self.signed(event, secret: v.secret)
            #expect(throws: WebhookVerificationError.self) {
                try verifier.verify(body: signed.body, signatureHeader: signed.header, now: now)
            }
        }
    }

    @Test("bodies that are not events are refused after the signature check")
    func badBodies() throws {
        let v = try Self.vector()
        let verifier = WebhookVerifier(secret: v.secret)
        let cases: [(String, String)] = [
            ("not json", "body_not_json"),
            ("[1,2]", "body_not_json"),
            (#"{"id":"e","id":"f","kind":"k","date":"d","data":{},"timestampSent":1}"#, "body_not_json"),
            (#"{"kind":"k","date":"d","data":{},"timestampSent":1}"#, "invalid_event"),
            (#"{"id":"","kind":"k","date":"d","data":{},"timestampSent":1}"#, "invalid_event"),
            (#"{"id":"e","date":"d","data":{},"timestampSent":1}"#, "invalid_event"),
            (#"{"id":"e","kind":"k","data":{},"timestampSent":1}"#, "invalid_event"),
            (#"{"id":"e","kind":"k","date":"d","timestampSent":1}"#, "invalid_event"),
            (#"{"id":"e","kind":"k","date":"d","data":{}}"#, "invalid_event"),
            (#"{"id":"e","kind":"k","date":"d","data":{},"timestampSent":"1"}"#, "invalid_event"),
            (#"{"id":"e","kind":"k","date":"d","data":{},"timestampSent":1.5}"#, "invalid_event"),
            (#"{"id":"e","kind":"k","date":"d","data":{},"timestampSent":99999999999999999999}"#, "invalid_event"),
            (#"{"id":7,"kind":"k","date":"d","data":{},"timestampSent":1}"#, "invalid_event"),
            (#"{"id":"e","kind":"k","date":"d","data":{},"timestampSent":1,"deliveryAttempt":"2"}"#, "invalid_event"),
            (#"{"id":"e","kind":"k","date":"d","data":{},"timestampSent":1,"status":5}"#, "invalid_event"),
        ]
        for (text, reason) in cases {
            let signed = Self.signed(text, secret: v.secret)
            do {
                _ = try verifier.verify(body: signed.body, signatureHeader: signed.header, now: 1)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.reason == reason, "\(text): \(error)")
            }
        }
        // The signature is checked first: an unsigned non-JSON body is a signature mismatch.
        #expect(throws: WebhookVerificationError.signatureMismatch) {
            try verifier.verify(body: Array("not json".utf8), signatureHeader: v.header, now: 1)
        }
    }

    @Test("optional members are read")
    func optionalMembers() throws {
        let v = try Self.vector()
        let text = #"{"id":"whe-2","kind":"wallet.signature.signed","date":"2024-01-01T00:00:00.000Z","status":"Delivered","deliveryAttempt":2,"retryOf":"whe-1","data":{"signature":{"r":"0x1"}},"timestampSent":100}"#
        let signed = Self.signed(text, secret: v.secret)
        let event = try WebhookVerifier(secret: v.secret).verify(body: signed.body, signatureHeader: signed.header, now: 150)
        #expect(event.deliveryAttempt == 2)
        #expect(event.status == "Delivered")
        #expect(event.retryOf == "whe-1")
        #expect(event.data["signature"]?["r"] == .string("0x1"))
        let nulls = Self.signed(#"{"id":"e","kind":"k","date":"d","data":null,"timestampSent":100,"retryOf":null,"deliveryAttempt":null}"#,
                                secret: v.secret)
        let second = try WebhookVerifier(secret: v.secret).verify(body: nulls.body, signatureHeader: nulls.header, now: 100)
        #expect(second.retryOf == nil && second.deliveryAttempt == nil && second.data == .null)
    }

    @Test("random signed bodies and random headers never trap")
    func randomInputs() throws {
        let v = try Self.vector()
        let verifier = WebhookVerifier(secret: v.secret)
        var generator = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let body = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let header = WebhookSigner.signatureHeader(body: body, secret: v.secret)
            _ = try? verifier.verify(body: body, signatureHeader: header, now: 0)
            let junk = String(decoding: body, as: UTF8.self)
            _ = try? verifier.verify(body: v.body, signatureHeader: junk, now: v.timestampSent)
        }
    }

    @Test("reasons are stable names")
    func reasons() {
        let all: [WebhookVerificationError] = [
            .missingSignatureHeader, .malformedSignatureHeader("x"), .signatureMismatch, .bodyNotJSON("x"),
            .invalidEvent("x"), .tooOld(ageSeconds: 1, maxAgeSeconds: 0), .fromTheFuture(aheadSeconds: 1, allowedSkewSeconds: 0),
        ]
        #expect(all.map(\.reason) == ["missing_signature_header", "malformed_signature_header", "signature_mismatch",
                                      "body_not_json", "invalid_event", "too_old", "from_the_future"])
    }
}

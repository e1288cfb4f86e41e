import DfnsClient
import DfnsCrypto
import DfnsEncoding
@testable import DfnsSandbox
import Foundation
import GRDB
import Testing

/// Webhooks end to end: the API (reference/dfns-protocol.md §9), and deliveries to a receiver on
/// loopback, each checked with the library's `WebhookVerifier` (HMAC over the raw body, timestamp).
@Suite struct WebhookTests {
    /// Creates a webhook through the API and returns its id and secret.
    static func createWebhook(_ client: DfnsAPIClient, url: String, events: [String] = ["*"],
                              description: String? = nil) async throws -> (id: String, secret: String) {
        let created = try await client.webhooks.create(url: url, events: events, description: description)
        let id = try #require(created["id"]?.stringValue)
        let secret = try #require(created["secret"]?.stringValue)
        return (id, secret)
    }

    /// The event `eventId` of webhook `webhookId` as the API shows it.
    static func event(_ client: DfnsAPIClient, _ webhookId: String, _ eventId: String) async throws -> JSONValue {
        try await client.send(.get, "/webhooks/\(webhookId)/events/\(eventId)").json()
    }

    /// Verifies `delivery` with the library's verifier and the webhook's secret.
    static func verify(_ delivery: ReceivedDelivery, secret: String) throws -> WebhookEvent {
        try WebhookVerifier(secret: SecretBytes(Array(secret.utf8)))
            .verify(body: delivery.body, signatureHeader: delivery.signature, now: Int64(Date().timeIntervalSince1970))
    }

    // MARK: The API

    @Test func createListGetUpdateDeleteAndTheSecretIsReturnedOnce() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let created = try await client.webhooks.create(url: "https://example.com/hooks", events: ["wallet.created", "key.created"],
                                                           description: "Café ☕")
            let id = try #require(created["id"]?.stringValue)
            #expect(id.hasPrefix("wh-"))
            #expect(created["secret"]?.stringValue?.hasPrefix("whs-") == true)
            #expect(created["status"]?.stringValue == "Enabled")
            #expect(created["events"] == .array([.string("wallet.created"), .string("key.created")]))
            #expect(created["description"]?.stringValue == "Café ☕")
            #expect(created["orgId"]?.stringValue == sandbox.orgId)

            var listed: [JSONValue] = []
            for try await item in client.webhooks.list() { listed.append(item) }
            #expect(listed.count == 1)
            #expect(listed.first?["id"]?.stringValue == id)
            #expect(listed.first?["secret"] == nil)

            let fetched = try await client.send(.get, "/webhooks/\(id)").json()
            #expect(fetched["url"]?.stringValue == "https://example.com/hooks")
            #expect(fetched["secret"] == nil)

            let updated = try await client.send(.put, "/webhooks/\(id)", json: .object([
                ("status", .string("Disabled")), ("events", .array([.string("*")])), ("description", .null),
            ])).json()
            #expect(updated["status"]?.stringValue == "Disabled")
            #expect(updated["events"] == .array([.string("*")]))
            #expect(updated["description"] == nil)
            #expect(updated["secret"] == nil)
            #expect(updated["url"]?.stringValue == "https://example.com/hooks")

            let deleted = try await client.webhooks.delete(id)
            #expect(deleted["deleted"] == .bool(true))
            let missing = await HooksTestKit.apiError { _ = try await client.send(.get, "/webhooks/\(id)") }
            #expect(missing?.status == 404)
            #expect(try await sandbox.count("webhook") == 0)
            // Create, update and delete were user actions: three audit entries.
            let paths = try await sandbox.read { db in try String.fetchAll(db, sql: "SELECT httpMethod || ' ' || httpPath FROM auditEntry ORDER BY seq") }
            #expect(paths == ["POST /webhooks", "PUT /webhooks/\(id)", "DELETE /webhooks/\(id)"])
        }
    }

    @Test func invalidWebhooksAreRefusedNamingWhatIsWrong() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let cases: [(JSONValue, String)] = [
                (.object([("url", .string("ftp://example.com/x")), ("events", .array([.string("*")]))]), "url must be an absolute http or https URL"),
                (.object([("url", .string("not a url")), ("events", .array([.string("*")]))]), "url must be an absolute http or https URL"),
                (.object([("url", .string("http://")), ("events", .array([.string("*")]))]), "url must be an absolute http or https URL"),
                (.object([("url", .string("/relative")), ("events", .array([.string("*")]))]), "url must be an absolute http or https URL"),
                (.object([("events", .array([.string("*")]))]), "url is required"),
                (.object([("url", .string("https://example.com"))]), "events is required"),
                (.object([("url", .string("https://example.com")), ("events", .array([]))]), "events must list at least one"),
                (.object([("url", .string("https://example.com")), ("events", .array([.number("1")]))]), "events must hold strings"),
                (.object([("url", .string("https://example.com")), ("events", .array([.string("*")])), ("status", .string("On"))]),
                 "status must be Enabled or Disabled"),
                (.object([("url", .string("https://example.com")), ("events", .array([.string("*")])), ("secret", .string("mine"))]),
                 "unknown member secret"),
            ]
            for (body, expected) in cases {
                let error = await HooksTestKit.apiError { _ = try await client.send(.post, "/webhooks", json: body) }
                #expect(error?.status == 400, "\(JSONWriter.string(body))")
                #expect(error?.message?.contains(expected) == true, "\(error?.message ?? "") should contain \(expected)")
            }

            let unknown = await HooksTestKit.apiError {
                _ = try await client.webhooks.create(url: "https://example.com", events: ["wallet.created", "wallet.teleported", "key.melted"])
            }
            #expect(unknown?.status == 400)
            #expect(unknown?.message == "unknown event kinds: wallet.teleported, key.melted")
            #expect(unknown?.details?["unknownEvents"] == .array([.string("wallet.teleported"), .string("key.melted")]))

            // Every §9 and §15.4 kind is accepted.
            _ = try await client.webhooks.create(url: "http://localhost:8080/x", events: WebhookDispatcher.eventKinds.sorted())
            #expect(try await sandbox.count("webhook") == 1)
            // Only the accepted action is in the audit log.
            #expect(try await sandbox.count("auditEntry") == 1)
        }
    }

    @Test func onlyServiceAccountsManageWebhooks() async throws {
        try await withSandbox { sandbox in
            let endUser = try await EndUserFixture.create(in: sandbox)
            let client = try endUser.client(in: sandbox)
            let refused = await HooksTestKit.apiError { _ = try await client.webhooks.create(url: "https://example.com", events: ["*"]) }
            #expect(refused?.status == 403)
            #expect(refused?.message?.contains("is not authorized to perform operation (Webhooks:Create)") == true)
            let listing = await HooksTestKit.apiError { _ = try await client.send(.get, "/webhooks") }
            #expect(listing?.status == 403)
            #expect(try await sandbox.count("webhook") == 0)
            #expect(try await sandbox.count("auditEntry") == 0)
        }
    }

    @Test func anotherOrganizationsWebhookIsNotFound() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let hook = try await Self.createWebhook(client, url: "https://example.com/hook")
            try await sandbox.services.database.writer.write { db in
                try db.execute(sql: "INSERT INTO organization (id, name, rpId, origin, dateCreated) VALUES ('or-other', 'Other', 'localhost', 'http://localhost', '2026-01-01T00:00:00Z')")
                try db.execute(sql: "UPDATE webhook SET orgId = 'or-other' WHERE id = ?", arguments: [hook.id])
            }
            let error = await HooksTestKit.apiError { _ = try await client.send(.get, "/webhooks/\(hook.id)") }
            #expect(error?.status == 404)
            var listed = 0
            for try await _ in client.webhooks.list() { listed += 1 }
            #expect(listed == 0)
        }
    }

    // MARK: Deliveries

    @Test func aPingIsDeliveredSignedAndTheLibraryVerifiesIt() async throws {
        try await withWebhookReceiver { receiver in
            try await withSandbox { sandbox in
                let client = try sandbox.serviceAccountClient()
                let hook = try await Self.createWebhook(client, url: receiver.url)
                let ping = try await client.send(.post, "/webhooks/\(hook.id)/ping").json()
                let eventId = try #require(ping["id"]?.stringValue)
                #expect(ping["kind"]?.stringValue == WebhookDispatcher.pingKind)
                #expect(ping["webhookId"]?.stringValue == hook.id)

                #expect(await HooksTestKit.eventually { await receiver.deliveries.count >= 1 })
                let delivery = try #require(await receiver.deliveries.first)
                #expect(delivery.contentType == "application/json")
                let event = try Self.verify(delivery, secret: hook.secret)
                #expect(event.id == eventId)
                #expect(event.kind == "webhook.ping")
                #expect(event.deliveryAttempt == 1)
                #expect(event.data["webhookId"]?.stringValue == hook.id)
                #expect(abs(event.timestampSent - Int64(Date().timeIntervalSince1970)) < 60)

                // The signature is over these exact bytes with this secret.
                #expect(throws: WebhookVerificationError.signatureMismatch) {
                    _ = try Self.verify(delivery, secret: hook.secret + "x")
                }
                var altered = delivery.body
                altered[altered.count - 2] ^= 0x01
                #expect(throws: WebhookVerificationError.signatureMismatch) {
                    _ = try Self.verify(ReceivedDelivery(body: altered, signature: delivery.signature, contentType: nil), secret: hook.secret)
                }

                #expect(try await HooksTestKit.eventually {
                    try await Self.event(client, hook.id, eventId)["delivered"] == .bool(true)
                })
                let stored = try await Self.event(client, hook.id, eventId)
                #expect(stored["deliveryAttempt"]?.int64Value == 1)
                #expect(stored["deliveryFailed"] == .bool(false))
                #expect(await receiver.deliveries.count == 1)
                // The ping was a user action.
                #expect(try await sandbox.read { db in try String.fetchOne(db, sql: "SELECT httpPath FROM auditEntry ORDER BY seq DESC") } == "/webhooks/\(hook.id)/ping")
            }
        }
    }

    @Test func eventsGoToEnabledSubscribedWebhooksOnceTheirTransactionCommits() async throws {
        try await withWebhookReceiver { receiver in
            try await withSandbox { sandbox in
                let client = try sandbox.serviceAccountClient()
                let everything = try await Self.createWebhook(client, url: receiver.url + "?all", events: ["*"])
                let keys = try await Self.createWebhook(client, url: receiver.url + "?keys", events: ["key.created"])
                let disabled = try await Self.createWebhook(client, url: receiver.url + "?off", events: ["*"])
                _ = try await client.send(.put, "/webhooks/\(disabled.id)", json: .object([("status", .string("Disabled"))]))
                let orgId = sandbox.orgId

                // A rolled-back transaction queues nothing.
                struct Abort: Error {}
                await #expect(throws: Abort.self) {
                    try await sandbox.services.database.writer.write { db in
                        try WebhookDispatcher.emit(db, orgId: orgId, kind: "key.created", data: .object([("keyId", .string("key-aborted"))]))
                        throw Abort()
                    }
                }
                // Committed ones are delivered without anyone calling notify().
                try await sandbox.services.database.writer.write { db in
                    try WebhookDispatcher.emit(db, orgId: orgId, kind: "wallet.created", data: .object([("walletId", .string("wa-1"))]))
                    try WebhookDispatcher.emit(db, orgId: orgId, kind: "key.created", data: .object([("keyId", .string("key-1"))]))
                }
                let queued = try await sandbox.read { db in
                    try WebhookEventRecord.order(Column.rowID).fetchAll(db).map { "\($0.webhookId) \($0.kind)" }
                }
                #expect(queued == ["\(everything.id) wallet.created", "\(everything.id) key.created", "\(keys.id) key.created"])

                #expect(await HooksTestKit.eventually { await receiver.deliveries.count >= 3 })
                var kinds: [String: [String]] = [:]
                for delivery in await receiver.deliveries {
                    // Each webhook's deliveries verify with its own secret.
                    let secret = delivery.query == "keys" ? keys.secret : everything.secret
                    kinds[delivery.query, default: []].append(try Self.verify(delivery, secret: secret).kind)
                }
                #expect(kinds["all"]?.sorted() == ["key.created", "wallet.created"])
                #expect(kinds["keys"] == ["key.created"])
                #expect(kinds["off"] == nil)
                #expect(await receiver.deliveries.count == 3)
            }
        }
    }

    @Test func aFailedDeliveryIsRetriedWithTheSameEventIdAndTheNextAttemptNumber() async throws {
        try await withWebhookReceiver(answer: { $0 == 1 ? 500 : 200 }) { receiver in
            try await withSandbox({ $0.webhookRetryDelays = [0, 0] }) { sandbox in
                let client = try sandbox.serviceAccountClient()
                let hook = try await Self.createWebhook(client, url: receiver.url)
                let eventId = try #require(try await client.send(.post, "/webhooks/\(hook.id)/ping").json()["id"]?.stringValue)
                #expect(try await HooksTestKit.eventually {
                    try await Self.event(client, hook.id, eventId)["delivered"] == .bool(true)
                })
                let deliveries = await receiver.deliveries
                #expect(deliveries.count == 2)
                let events = try deliveries.map { try Self.verify($0, secret: hook.secret) }
                #expect(events.map(\.id) == [eventId, eventId])
                #expect(events.map(\.deliveryAttempt) == [1, 2])
                let stored = try await Self.event(client, hook.id, eventId)
                #expect(stored["deliveryAttempt"]?.int64Value == 2)
                #expect(stored["deliveryFailed"] == .bool(false))
                #expect(stored["error"] == nil)
            }
        }
    }

    @Test func aDeliveryThatAlwaysFailsEndsDeliveryFailedAndIsListedSo() async throws {
        try await withWebhookReceiver(answer: { _ in 500 }) { receiver in
            try await withSandbox({ $0.webhookRetryDelays = [0, 0] }) { sandbox in
                let client = try sandbox.serviceAccountClient()
                let hook = try await Self.createWebhook(client, url: receiver.url)
                let eventId = try #require(try await client.send(.post, "/webhooks/\(hook.id)/ping").json()["id"]?.stringValue)
                #expect(try await HooksTestKit.eventually {
                    try await Self.event(client, hook.id, eventId)["deliveryFailed"] == .bool(true)
                })
                let deliveries = await receiver.deliveries
                #expect(deliveries.count == 3)
                let events = try deliveries.map { try Self.verify($0, secret: hook.secret) }
                #expect(events.map(\.id) == [eventId, eventId, eventId])
                #expect(events.map(\.deliveryAttempt) == [1, 2, 3])

                let stored = try await Self.event(client, hook.id, eventId)
                #expect(stored["deliveryAttempt"]?.int64Value == 3)
                #expect(stored["delivered"] == .bool(false))
                #expect(stored["error"]?.stringValue == "HTTP 500")
                #expect(stored["nextAttemptAt"] == nil)

                let failed = try await client.send(.get, "/webhooks/\(hook.id)/events?deliveryFailed=true").json()
                #expect(failed["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [eventId])
                let notFailed = try await client.send(.get, "/webhooks/\(hook.id)/events?deliveryFailed=false").json()
                #expect(notFailed["items"]?.arrayValue?.isEmpty == true)
                let bad = await HooksTestKit.apiError { _ = try await client.send(.get, "/webhooks/\(hook.id)/events?deliveryFailed=maybe") }
                #expect(bad?.status == 400)
                // No further attempt after giving up.
                #expect(await receiver.deliveries.count == 3)
            }
        }
    }

    @Test func anUnreachableReceiverFailsAfterItsRetries() async throws {
        try await withSandbox({ $0.webhookRetryDelays = [0] }) { sandbox in
            let client = try sandbox.serviceAccountClient()
            // Port 1 on loopback: nothing listens there, the connection is refused at once.
            let hook = try await Self.createWebhook(client, url: "http://127.0.0.1:1/hook")
            let eventId = try #require(try await client.send(.post, "/webhooks/\(hook.id)/ping").json()["id"]?.stringValue)
            #expect(try await HooksTestKit.eventually {
                try await Self.event(client, hook.id, eventId)["deliveryFailed"] == .bool(true)
            })
            let stored = try await Self.event(client, hook.id, eventId)
            #expect(stored["deliveryAttempt"]?.int64Value == 2)
            #expect(stored["error"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func aRetryWaitsForItsConfiguredDelay() async throws {
        try await withWebhookReceiver(answer: { _ in 503 }) { receiver in
            try await withSandbox({ $0.webhookRetryDelays = [120] }) { sandbox in
                let client = try sandbox.serviceAccountClient()
                let hook = try await Self.createWebhook(client, url: receiver.url)
                let eventId = try #require(try await client.send(.post, "/webhooks/\(hook.id)/ping").json()["id"]?.stringValue)
                #expect(try await HooksTestKit.eventually {
                    try await Self.event(client, hook.id, eventId)["deliveryAttempt"]?.int64Value == 1
                })
                let stored = try await Self.event(client, hook.id, eventId)
                #expect(stored["delivered"] == .bool(false))
                #expect(stored["deliveryFailed"] == .bool(false))
                #expect(stored["error"]?.stringValue == "HTTP 503")
                let next = try #require(await sandbox.read { db in
                    try Double.fetchOne(db, sql: "SELECT nextAttemptAt FROM webhookEvent WHERE id = ?", arguments: [eventId])
                })
                let ahead = next - Date().timeIntervalSince1970
                #expect(ahead > 100 && ahead <= 120)
                #expect(stored["nextAttemptAt"]?.stringValue != nil)
                #expect(await receiver.deliveries.count == 1)
            }
        }
    }

    @Test func disablingAWebhookHoldsItsEventsUntilItIsEnabledAgain() async throws {
        try await withWebhookReceiver { receiver in
            try await withSandbox { sandbox in
                let client = try sandbox.serviceAccountClient()
                let hook = try await Self.createWebhook(client, url: receiver.url)
                let orgId = sandbox.orgId
                // Queued and disabled in one transaction: the dispatcher never sees it enabled.
                try await sandbox.services.database.writer.write { db in
                    try WebhookDispatcher.emit(db, orgId: orgId, kind: "key.created", data: .object([]))
                    try db.execute(sql: "UPDATE webhook SET status = 'Disabled' WHERE id = ?", arguments: [hook.id])
                }
                let refused = await HooksTestKit.apiError { _ = try await client.send(.post, "/webhooks/\(hook.id)/ping") }
                #expect(refused?.status == 400)
                #expect(refused?.message?.contains("Disabled") == true)
                #expect(try await sandbox.count("webhookEvent") == 1)
                #expect(await receiver.deliveries.isEmpty)
                _ = try await client.send(.put, "/webhooks/\(hook.id)", json: .object([("status", .string("Enabled"))]))
                #expect(await HooksTestKit.eventually { await receiver.deliveries.count == 1 })
                #expect(try Self.verify(try #require(await receiver.deliveries.first), secret: hook.secret).kind == "key.created")
            }
        }
    }

    @Test func eventsArePaginatedAndFetchedOneByOne() async throws {
        try await withSandbox({ $0.webhookRetryDelays = [] }) { sandbox in
            let client = try sandbox.serviceAccountClient()
            let hook = try await Self.createWebhook(client, url: "http://127.0.0.1:1/hook")
            var ids: [String] = []
            for _ in 0..<3 {
                ids.append(try #require(try await client.send(.post, "/webhooks/\(hook.id)/ping").json()["id"]?.stringValue))
            }
            let first = try await client.send(.get, "/webhooks/\(hook.id)/events?limit=2").json()
            #expect(first["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids.prefix(2)))
            let token = try #require(first["nextPageToken"]?.stringValue)
            let second = try await client.send(.get, "/webhooks/\(hook.id)/events?limit=2&paginationToken=\(token)").json()
            #expect(second["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[2]])
            #expect(second["nextPageToken"] == nil)
            var all: [String] = []
            for try await item in client.webhooks.events(hook.id, limit: 1) { all.append(item["id"]?.stringValue ?? "") }
            #expect(all == ids)
            let missing = await HooksTestKit.apiError { _ = try await client.send(.get, "/webhooks/\(hook.id)/events/wh-evt-nope") }
            #expect(missing?.status == 404)
            let fetched = try await Self.event(client, hook.id, ids[1])
            #expect(fetched["kind"]?.stringValue == "webhook.ping")
        }
    }

    @Test func deletingAWebhookRemovesItsEventsAndStopsItsDeliveries() async throws {
        try await withSandbox({ $0.webhookRetryDelays = [120] }) { sandbox in
            let client = try sandbox.serviceAccountClient()
            let hook = try await Self.createWebhook(client, url: "http://127.0.0.1:1/hook")
            _ = try await client.send(.post, "/webhooks/\(hook.id)/ping")
            _ = try await client.webhooks.delete(hook.id)
            #expect(try await sandbox.count("webhookEvent") == 0)
            #expect(try await sandbox.count("webhook") == 0)
            let ping = await HooksTestKit.apiError { _ = try await client.send(.post, "/webhooks/\(hook.id)/ping") }
            #expect(ping?.status == 404)
        }
    }
}

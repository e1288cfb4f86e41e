import DfnsClient
import DfnsCrypto
import DfnsCurlTransport
import DfnsEncoding
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Delivers webhook events: an event is queued (one row per subscribed webhook) inside the
/// transaction of the action that caused it, so an event exists exactly when its action committed;
/// a background service then POSTs each due event with `X-DFNS-WEBHOOK-SIGNATURE: sha256=<hex
/// HMAC-SHA256(secret, body)>` over libcurl, and retries a failed delivery (non-2xx or no answer)
/// after the configured delays with `deliveryAttempt` counting up, until it gives up and marks the
/// event `deliveryFailed`.
public final class WebhookDispatcher: Service, Sendable {
    private let database: AppDatabase
    private let configuration: SandboxConfiguration
    private let transport: CurlTransport
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let logger = Logger(label: "dfns-sandbox.webhooks")

    init(database: AppDatabase, configuration: SandboxConfiguration) {
        self.database = database
        self.configuration = configuration
        let seconds = max(1, Int64(configuration.webhookTimeout))
        transport = CurlTransport(configuration: CurlTransportConfiguration(
            connectTimeout: .seconds(seconds), timeout: .seconds(seconds), proxy: .disabled))
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `kind` with `data` for every enabled webhook of `orgId` subscribed to it (or to `*`),
    /// inside the caller's transaction. Call ``notify()`` after the transaction commits.
    public static func emit(_ db: Database, orgId: String, kind: String, data: JSONValue) throws {
        let hooks = try WebhookRecord.filter(Column("orgId") == orgId && Column("status") == "Enabled").fetchAll(db)
        let now = SandboxClock.now()
        for hook in hooks {
            let events = (try? JSONParser().parse(Array(hook.events.utf8)))?.arrayValue?.compactMap(\.stringValue) ?? []
            guard events.contains("*") || events.contains(kind) else { continue }
            try WebhookEventRecord(id: Identifiers.make("wh-ev"), webhookId: hook.id, kind: kind,
                                   date: SandboxClock.iso8601(now), data: JSONWriter.string(data),
                                   deliveryAttempt: 0, deliveryFailed: false, delivered: false, lastError: nil,
                                   nextAttemptAt: now).insert(db)
        }
    }

    /// Wakes the delivery loop (events were queued).
    public func notify() {
        wake.yield()
    }

    /// The body sent for `event`, attempt `attempt`.
    static func body(of event: WebhookEventRecord, attempt: Int, now: Double) -> [UInt8] {
        let data = (try? JSONParser().parse(Array(event.data.utf8))) ?? .object([])
        return JSONWriter.bytes(.object([
            ("id", .string(event.id)), ("kind", .string(event.kind)), ("date", .string(event.date)),
            ("data", data), ("timestampSent", .number(String(Int64(now)))),
            ("deliveryAttempt", .number(String(attempt))),
        ]))
    }

    /// The service: delivers due events until the server shuts down.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.deliverDueEvents()
                // Sleep until woken or the next retry is due (at most a second, so retries run on time).
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { for await _ in self.wakeups { return } }
                    group.addTask { try? await Task.sleep(for: .seconds(1)) }
                    await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// Delivers every event whose next attempt is due; each outcome is written back at once.
    func deliverDueEvents() async {
        let now = SandboxClock.now()
        guard let due = try? await database.writer.read({ db in
            try WebhookEventRecord
                .filter(Column("delivered") == false && Column("deliveryFailed") == false && Column("nextAttemptAt") <= now)
                .order(Column("nextAttemptAt")).limit(64).fetchAll(db)
        }) else { return }
        for event in due {
            guard let hook = try? await database.writer.read({ db in try WebhookRecord.fetchOne(db, key: event.webhookId) }) else { continue }
            let attempt = event.deliveryAttempt + 1
            let body = Self.body(of: event, attempt: attempt, now: SandboxClock.now())
            let secret = SecretBytes(Array(hook.secret.utf8))
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: WebhookSigner.headerName, value: WebhookSigner.signatureHeader(body: body, secret: secret))
            var failure: String?
            do {
                let response = try await transport.send(HTTPRequest(method: .post, url: hook.url, headers: headers, body: body))
                if !response.isSuccess { failure = "HTTP \(response.status)" }
            } catch {
                failure = "\(error)"
            }
            var updated = event
            updated.deliveryAttempt = attempt
            updated.lastError = failure
            if failure == nil {
                updated.delivered = true
                updated.nextAttemptAt = nil
            } else if attempt - 1 < configuration.webhookRetryDelays.count {
                updated.nextAttemptAt = SandboxClock.now() + configuration.webhookRetryDelays[attempt - 1]
            } else {
                updated.deliveryFailed = true
                updated.nextAttemptAt = nil
            }
            let record = updated
            do {
                try await database.writer.write { db in try record.update(db) }
            } catch {
                logger.error("could not record the delivery of \(event.id): \(error)")
            }
        }
    }
}

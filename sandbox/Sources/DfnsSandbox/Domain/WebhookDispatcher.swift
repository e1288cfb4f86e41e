import DfnsClient
import DfnsCrypto
import DfnsCurlTransport
import DfnsEncoding
import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Delivers webhook events (reference/dfns-protocol.md §9, §15.4).
///
/// - **Queued with the action**: ``emit(_:orgId:kind:data:)`` inserts one row per subscribed
///   webhook inside the transaction of the action that caused it, so an event exists exactly when
///   its action committed, and survives a restart until it is delivered.
/// - **Woken after commit**: a transaction observer on the database notices every committed
///   transaction that queued an event (or changed a webhook) and wakes the delivery loop at once;
///   nobody has to remember to call ``notify()``. Rolled-back transactions wake nothing.
/// - **Signed**: each delivery is a POST of `{id, kind, date, data, timestampSent,
///   deliveryAttempt}` with `X-DFNS-WEBHOOK-SIGNATURE: sha256=<hex HMAC-SHA256(secret, body)>` over
///   the exact body bytes (the library's ``WebhookSigner``), sent over libcurl.
/// - **Retried**: a failed delivery (non-2xx, or no answer within
///   ``SandboxConfiguration/webhookTimeout``) is tried again after
///   ``SandboxConfiguration/webhookRetryDelays`` (`[d1, d2, …]`: attempt 2 after d1, attempt 3
///   after d2, …), with the same event `id` and `deliveryAttempt` counting up; after the last
///   attempt fails the event is marked `deliveryFailed`. A test sets the delays to `[0, 0]` to see
///   three attempts at once, without waiting.
/// - Only events of **enabled** webhooks are delivered; events of a webhook disabled after they were
///   queued wait until it is enabled again.
public final class WebhookDispatcher: Service, Sendable {
    /// The kind of the event `POST /webhooks/{webhookId}/ping` queues. Dfns documents no kind for
    /// it (§9 lists none), so the sandbox names it `webhook.ping`; it is delivered to the pinged
    /// webhook only, whatever its subscription.
    public static let pingKind = "webhook.ping"

    /// The event kinds a webhook may subscribe to (§9 and §15.4), besides `*`.
    public static let eventKinds: Set<String> = [
        "wallet.created", "wallet.exported", "wallet.delegated", "wallet.activated", "wallet.tags.modified",
        "wallet.blockchainevent.detected",
        "wallet.signature.requested", "wallet.signature.failed", "wallet.signature.rejected", "wallet.signature.signed",
        "wallet.transaction.requested", "wallet.transaction.failed", "wallet.transaction.rejected",
        "wallet.transaction.broadcasted", "wallet.transaction.confirmed",
        "wallet.transfer.requested", "wallet.transfer.failed", "wallet.transfer.rejected",
        "wallet.transfer.broadcasted", "wallet.transfer.confirmed",
        "wallet.offer.received", "wallet.offer.accepted", "wallet.offer.rejected", "wallet.offer.withdrawn",
        "policy.triggered", "policy.approval.pending", "policy.approval.resolved",
        "key.created", "key.deleted", "key.delegated", "key.exported",
        "payout.action.required",
        "vault.created", "vault.updated", "vault.tags.modified", "vault.event.created",
    ]

    /// How many deliveries run at once.
    static let maximumConcurrentDeliveries = 8
    /// The longest the loop sleeps without being woken (a safety net: commits wake it, and it
    /// computes when the next retry is due).
    static let maximumIdleSeconds = 5.0

    private let database: AppDatabase
    private let configuration: SandboxConfiguration
    private let transport: CurlTransport
    private let wakeup = Wakeup()
    private let logger = Logger(label: "dfns-sandbox.webhooks")

    init(database: AppDatabase, configuration: SandboxConfiguration) {
        self.database = database
        self.configuration = configuration
        let timeout = Duration.milliseconds(max(100, Int64(configuration.webhookTimeout * 1000)))
        transport = CurlTransport(configuration: CurlTransportConfiguration(
            connectTimeout: timeout, timeout: timeout, proxy: .disabled))
        database.writer.add(transactionObserver: QueueObserver(wakeup: wakeup), extent: .databaseLifetime)
    }

    // MARK: Queueing

    /// Queues `kind` with `data` for every enabled webhook of `orgId` subscribed to it (or to `*`),
    /// inside the caller's transaction. The delivery loop wakes when the transaction commits.
    public static func emit(_ db: Database, orgId: String, kind: String, data: JSONValue) throws {
        let hooks = try WebhookRecord.filter(Column("orgId") == orgId && Column("status") == "Enabled").fetchAll(db)
        for hook in hooks where subscribes(hook, to: kind) {
            try queue(db, webhookId: hook.id, kind: kind, data: data)
        }
    }

    /// Queues one event for one webhook (whatever its subscription) inside the caller's transaction.
    @discardableResult
    public static func queue(_ db: Database, webhookId: String, kind: String, data: JSONValue) throws -> WebhookEventRecord {
        let now = SandboxClock.now()
        let event = WebhookEventRecord(id: Identifiers.make("wh-evt"), webhookId: webhookId, kind: kind,
                                       date: SandboxClock.iso8601(now), data: JSONWriter.string(data),
                                       deliveryAttempt: 0, deliveryFailed: false, delivered: false, lastError: nil,
                                       nextAttemptAt: now)
        try event.insert(db)
        return event
    }

    /// Whether `hook` subscribes to `kind` (`*` subscribes to everything).
    public static func subscribes(_ hook: WebhookRecord, to kind: String) -> Bool {
        let events = (try? JSONParser().parse(Array(hook.events.utf8)))?.arrayValue?.compactMap(\.stringValue) ?? []
        return events.contains("*") || events.contains(kind)
    }

    /// Wakes the delivery loop. Not needed after a commit that queued events (the database
    /// observer does it); kept for callers that want to force a pass.
    public func notify() {
        wakeup.signal()
    }

    // MARK: Delivery

    /// The body sent for `event`, attempt `attempt`, at `now`.
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
                let untilNext = await self.deliverDueEvents()
                let wait = min(untilNext ?? Self.maximumIdleSeconds, Self.maximumIdleSeconds)
                if wait > 0 { await self.wakeup.wait(seconds: wait) }
            }
        }
    }

    /// The due events: pending, of an enabled webhook, whose next attempt time has come.
    private static let dueSQL = """
        SELECT webhookEvent.* FROM webhookEvent JOIN webhook ON webhook.id = webhookEvent.webhookId
        WHERE webhookEvent.delivered = 0 AND webhookEvent.deliveryFailed = 0 AND webhook.status = 'Enabled'
          AND webhookEvent.nextAttemptAt <= ?
        ORDER BY webhookEvent.nextAttemptAt LIMIT 64
        """

    /// When the next pending event of an enabled webhook is due (Unix seconds), if any.
    private static let nextDueSQL = """
        SELECT MIN(webhookEvent.nextAttemptAt) FROM webhookEvent JOIN webhook ON webhook.id = webhookEvent.webhookId
        WHERE webhookEvent.delivered = 0 AND webhookEvent.deliveryFailed = 0 AND webhook.status = 'Enabled'
        """

    /// Delivers every event that is due (a batch at a time, several at once), writes each outcome
    /// back as soon as it is known, and returns the seconds until the next pending event is due
    /// (0 when some are due already; nil when none is pending).
    @discardableResult
    func deliverDueEvents() async -> Double? {
        let batch: [(WebhookEventRecord, WebhookRecord)]
        do {
            batch = try await database.writer.read { db in
                let events = try WebhookEventRecord.fetchAll(db, sql: Self.dueSQL, arguments: [SandboxClock.now()])
                return try events.compactMap { event in
                    try WebhookRecord.fetchOne(db, key: event.webhookId).map { (event, $0) }
                }
            }
        } catch {
            if !Task.isCancelled { logger.error("cannot read the webhook queue: \(error)") }
            return Self.maximumIdleSeconds
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for (event, hook) in batch {
                if running == Self.maximumConcurrentDeliveries {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.deliver(event, to: hook) }
                running += 1
            }
        }
        do {
            let next = try await database.writer.read { db in try Double.fetchOne(db, sql: Self.nextDueSQL) }
            return next.map { max(0, $0 - SandboxClock.now()) }
        } catch {
            if !Task.isCancelled { logger.error("cannot read the webhook queue: \(error)") }
            return Self.maximumIdleSeconds
        }
    }

    /// One delivery attempt of `event` to `hook`, and its outcome recorded.
    private func deliver(_ event: WebhookEventRecord, to hook: WebhookRecord) async {
        let attempt = event.deliveryAttempt + 1
        let body = Self.body(of: event, attempt: attempt, now: SandboxClock.now())
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: WebhookSigner.headerName,
                    value: WebhookSigner.signatureHeader(body: body, secret: SecretBytes(Array(hook.secret.utf8))))
        let failure: String?
        do {
            let response = try await transport.send(HTTPRequest(method: .post, url: hook.url, headers: headers, body: body))
            failure = response.isSuccess ? nil : "HTTP \(response.status)"
        } catch {
            failure = "\(error)"
        }
        // Cancelled by the server's shutdown: not an attempt. The event stays due and is sent again
        // after the next start.
        guard !Task.isCancelled else { return }
        let delays = configuration.webhookRetryDelays
        let delivered = failure == nil
        let retryAt: Double? = !delivered && attempt <= delays.count ? SandboxClock.now() + max(0, delays[attempt - 1]) : nil
        let failedForGood = !delivered && retryAt == nil
        do {
            // A plain UPDATE: the webhook (and its events) may have been deleted meanwhile.
            try await database.writer.write { db in
                try db.execute(sql: """
                    UPDATE webhookEvent SET deliveryAttempt = ?, lastError = ?, delivered = ?, deliveryFailed = ?,
                        nextAttemptAt = ? WHERE id = ?
                    """, arguments: [attempt, failure, delivered, failedForGood, retryAt, event.id])
            }
        } catch {
            if !Task.isCancelled { logger.error("cannot record the delivery of \(event.id): \(error)") }
        }
        if let failure {
            logger.debug("webhook event \(event.id) attempt \(attempt) to \(hook.url) failed: \(failure)\(failedForGood ? "; giving up" : "")")
        }
    }
}

/// Wakes the delivery loop when a committed transaction queued an event or changed a webhook.
/// Called on the database's writer queue; never touches the database itself.
private final class QueueObserver: TransactionObserver, Sendable {
    private let wakeup: Wakeup
    private let pending = NIOLockedValueBox(false)

    init(wakeup: Wakeup) {
        self.wakeup = wakeup
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        switch eventKind {
        case .insert(let table): return table == WebhookEventRecord.databaseTableName
        case .update(let table, _): return table == WebhookRecord.databaseTableName
        case .delete: return false
        }
    }

    func databaseDidChange(with event: DatabaseEvent) {
        pending.withLockedValue { $0 = true }
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    func databaseDidCommit(_ db: Database) {
        let wake = pending.withLockedValue { value -> Bool in
            defer { value = false }
            return value
        }
        if wake { wakeup.signal() }
    }

    func databaseDidRollback(_ db: Database) {
        pending.withLockedValue { $0 = false }
    }
}

/// A wake-up signal for one waiting task: a signal sent while nobody waits is kept for the next wait.
final class Wakeup: Sendable {
    private struct State {
        var signaled = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = NIOLockedValueBox(State())

    /// Wakes the waiter, or the next one.
    func signal() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.signaled = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when signalled, after `seconds`, or when the task is cancelled, whichever is first.
    func wait(seconds: Double) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal() }
            group.addTask { try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked under the lock: a cancellation handler that ran before the waiter was
                // stored found nothing to resume, but the task is cancelled by then.
                let resumeNow = state.withLockedValue { state -> Bool in
                    if state.signaled || Task.isCancelled {
                        state.signaled = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}

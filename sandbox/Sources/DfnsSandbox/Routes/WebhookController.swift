import DfnsEncoding
import Foundation
import GRDB
import Hummingbird

/// Webhooks (reference/dfns-protocol.md §9, §15.4):
///
/// - `POST /webhooks` (user action) `{url, status?: Enabled|Disabled, events: [kind…|"*"],
///   description?}` → the webhook with its signing `secret` (`whs-…`), returned by this answer only;
/// - `GET /webhooks` (paginated), `GET /webhooks/{webhookId}` (never with the secret);
/// - `PUT /webhooks/{webhookId}` (user action; any of the create members) → the webhook;
/// - `DELETE /webhooks/{webhookId}` (user action) → `{"deleted": true}`, with its events;
/// - `POST /webhooks/{webhookId}/ping` (user action) → queues an event of kind `webhook.ping`
///   (Dfns documents no kind for it) for this webhook only, and answers that event;
/// - `GET /webhooks/{webhookId}/events[?deliveryFailed=true|false]` (paginated) and
///   `GET /webhooks/{webhookId}/events/{webhookEventId}`: the events with their delivery state
///   (`deliveryAttempt`, `delivered`, `deliveryFailed`, `error` of the last failed attempt,
///   `nextAttemptAt` while a retry is pending).
///
/// `url` must be an absolute `http` or `https` URL with a host; every event kind must be one of
/// ``WebhookDispatcher/eventKinds`` or `*` (a 400 lists the unknown ones); members other than the
/// documented ones are refused. Only service accounts manage webhooks: other users get a 403.
struct WebhookController {
    let services: SandboxServices

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/webhooks", use: create)
        router.get("/webhooks", use: list)
        router.get("/webhooks/:webhookId", use: get)
        router.put("/webhooks/:webhookId", use: update)
        router.delete("/webhooks/:webhookId", use: delete)
        router.post("/webhooks/:webhookId/ping", use: ping)
        router.get("/webhooks/:webhookId/events", use: events)
        router.get("/webhooks/:webhookId/events/:webhookEventId", use: event)
    }

    static let members: Set<String> = ["url", "status", "events", "description"]
    static let statuses: Set<String> = ["Enabled", "Disabled"]

    // MARK: Handlers

    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try Self.authorize(context, operation: "Webhooks:Create")
        let body = try context.jsonBody()
        try Self.refuseUnknownMembers(body)
        guard body.value["url"] != nil else { throw SandboxError.badRequest("url is required") }
        guard let events = try body.optionalArray("events") else { throw SandboxError.badRequest("events is required") }
        let record = WebhookRecord(
            id: Identifiers.make("wh"), orgId: principal.orgId, url: try Self.validURL(try body.string("url")),
            events: JSONWriter.string(.array(try Self.validEvents(events).map { .string($0) })),
            status: try Self.validStatus(try body.optionalString("status")) ?? "Enabled",
            description: try body.optionalString("description"),
            secret: Identifiers.make("whs"), dateCreated: SandboxClock.iso8601())
        try await services.perform(context) { db in try record.insert(db) }
        return JSONResponse.make(Self.json(record, includingSecret: true))
    }

    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try Self.authorize(context, operation: "Webhooks:Read")
        let page = try PageRequest(request)
        let (items, next) = try await services.database.writer.read { db in
            try page.fetch(db, WebhookRecord.filter(Column("orgId") == principal.orgId))
        }
        return JSONResponse.make(PageRequest.body(items.map { Self.json($0, includingSecret: false) }, nextPageToken: next))
    }

    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try Self.authorize(context, operation: "Webhooks:Read")
        let id = try context.parameters.require("webhookId")
        let record = try await services.database.writer.read { db in try Self.webhook(id, of: principal, db) }
        return JSONResponse.make(Self.json(record, includingSecret: false))
    }

    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try Self.authorize(context, operation: "Webhooks:Update")
        let id = try context.parameters.require("webhookId")
        let body = try context.jsonBody()
        try Self.refuseUnknownMembers(body)
        let url = try body.optionalString("url").map { url throws(SandboxError) in try Self.validURL(url) }
        let events = try body.optionalArray("events").map { events throws(SandboxError) in try Self.validEvents(events) }
        let status = try Self.validStatus(try body.optionalString("status"))
        // Present: set (null clears it); absent: unchanged.
        let description: String?? = body.value["description"] == nil ? .none : .some(try body.optionalString("description"))
        let record = try await services.perform(context) { db -> WebhookRecord in
            var record = try Self.webhook(id, of: principal, db)
            if let url { record.url = url }
            if let events { record.events = JSONWriter.string(.array(events.map { .string($0) })) }
            if let status { record.status = status }
            if case .some(let description) = description { record.description = description }
            try record.update(db)
            return record
        }
        return JSONResponse.make(Self.json(record, includingSecret: false))
    }

    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try Self.authorize(context, operation: "Webhooks:Delete")
        let id = try context.parameters.require("webhookId")
        try await services.perform(context) { db in
            let record = try Self.webhook(id, of: principal, db)
            try WebhookEventRecord.filter(Column("webhookId") == record.id).deleteAll(db)
            try record.delete(db)
        }
        return JSONResponse.make(.object([("deleted", .bool(true))]))
    }

    @Sendable func ping(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try Self.authorize(context, operation: "Webhooks:Ping")
        let id = try context.parameters.require("webhookId")
        let event = try await services.perform(context) { db -> WebhookEventRecord in
            let record = try Self.webhook(id, of: principal, db)
            guard record.status == "Enabled" else {
                throw SandboxError.badRequest("webhook \(record.id) is Disabled: enable it before pinging it")
            }
            return try WebhookDispatcher.queue(db, webhookId: record.id, kind: WebhookDispatcher.pingKind,
                                               data: .object([("webhookId", .string(record.id)), ("url", .string(record.url))]))
        }
        return JSONResponse.make(Self.json(event))
    }

    @Sendable func events(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try Self.authorize(context, operation: "Webhooks:Events:Read")
        let id = try context.parameters.require("webhookId")
        let page = try PageRequest(request)
        var failedOnly: Bool?
        if let text = request.uri.queryParameters["deliveryFailed"].map(String.init) {
            switch text {
            case "true": failedOnly = true
            case "false": failedOnly = false
            default: throw SandboxError.badRequest("deliveryFailed must be true or false")
            }
        }
        let filter = failedOnly
        let (items, next) = try await services.database.writer.read { db in
            let record = try Self.webhook(id, of: principal, db)
            var query = WebhookEventRecord.filter(Column("webhookId") == record.id)
            if let filter { query = query.filter(Column("deliveryFailed") == filter) }
            return try page.fetch(db, query)
        }
        return JSONResponse.make(PageRequest.body(items.map(Self.json), nextPageToken: next))
    }

    @Sendable func event(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try Self.authorize(context, operation: "Webhooks:Events:Read")
        let id = try context.parameters.require("webhookId")
        let eventId = try context.parameters.require("webhookEventId")
        let event = try await services.database.writer.read { db in
            let record = try Self.webhook(id, of: principal, db)
            guard let event = try WebhookEventRecord.filter(Column("id") == eventId && Column("webhookId") == record.id).fetchOne(db) else {
                throw SandboxError.notFound("webhook event \(eventId)")
            }
            return event
        }
        return JSONResponse.make(Self.json(event))
    }

    // MARK: Checks

    /// The principal when it is a service account; a 403 naming the operation otherwise.
    static func authorize(_ context: SandboxRequestContext, operation: String) throws -> Principal {
        let principal = try context.requirePrincipal()
        guard principal.isServiceAccount else {
            throw SandboxError.forbidden("\(principal.userId) is not authorized to perform operation (\(operation)): only service accounts manage webhooks in the sandbox")
        }
        return principal
    }

    /// Webhook `id` of the principal's organization, or a 404.
    static func webhook(_ id: String, of principal: Principal, _ db: Database) throws -> WebhookRecord {
        guard let record = try WebhookRecord.filter(Column("id") == id && Column("orgId") == principal.orgId).fetchOne(db) else {
            throw SandboxError.notFound("webhook \(id)")
        }
        return record
    }

    static func refuseUnknownMembers(_ body: JSONRequestBody) throws(SandboxError) {
        let unknown = (body.value.objectValue ?? []).map(\.0).filter { !members.contains($0) }
        guard unknown.isEmpty else {
            throw .badRequest("unknown member\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")): a webhook takes \(members.sorted().joined(separator: ", "))",
                              details: .object([("unknownMembers", .array(unknown.map { .string($0) }))]))
        }
    }

    /// `text` when it is an absolute http(s) URL with a host.
    static func validURL(_ text: String) throws(SandboxError) -> String {
        guard text.count <= 2048, !text.contains(where: { $0.isWhitespace }),
              let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw .badRequest("url must be an absolute http or https URL with a host, found \(JSONString.quote(String(text.prefix(200))))")
        }
        return text
    }

    /// The event kinds, de-duplicated in order, when each is known or `*`; a 400 listing the others.
    static func validEvents(_ items: [JSONValue]) throws(SandboxError) -> [String] {
        guard !items.isEmpty else { throw .badRequest("events must list at least one event kind, or \"*\"") }
        var kinds: [String] = []
        for item in items {
            guard let kind = item.stringValue else { throw .badRequest("events must hold strings, found \(item.typeName)") }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        let unknown = kinds.filter { $0 != "*" && !WebhookDispatcher.eventKinds.contains($0) }
        guard unknown.isEmpty else {
            throw .badRequest("unknown event kind\(unknown.count == 1 ? "" : "s"): \(unknown.joined(separator: ", "))",
                              details: .object([("unknownEvents", .array(unknown.map { .string($0) }))]))
        }
        return kinds
    }

    static func validStatus(_ status: String?) throws(SandboxError) -> String? {
        guard let status else { return nil }
        guard statuses.contains(status) else { throw .badRequest("status must be Enabled or Disabled, found \(status)") }
        return status
    }

    // MARK: JSON

    static func json(_ record: WebhookRecord, includingSecret: Bool) -> JSONValue {
        let events = (try? JSONParser().parse(Array(record.events.utf8))) ?? .array([])
        var members: [(String, JSONValue)] = [
            ("id", .string(record.id)), ("url", .string(record.url)), ("events", events),
            ("status", .string(record.status)),
        ]
        if let description = record.description { members.append(("description", .string(description))) }
        members.append(("orgId", .string(record.orgId)))
        members.append(("dateCreated", .string(record.dateCreated)))
        if includingSecret { members.append(("secret", .string(record.secret))) }
        return .object(members)
    }

    static func json(_ event: WebhookEventRecord) -> JSONValue {
        let data = (try? JSONParser().parse(Array(event.data.utf8))) ?? .object([])
        var members: [(String, JSONValue)] = [
            ("id", .string(event.id)), ("webhookId", .string(event.webhookId)), ("kind", .string(event.kind)),
            ("date", .string(event.date)), ("data", data),
            ("deliveryAttempt", .number(String(event.deliveryAttempt))),
            ("delivered", .bool(event.delivered)), ("deliveryFailed", .bool(event.deliveryFailed)),
        ]
        if let error = event.lastError { members.append(("error", .string(error))) }
        if let next = event.nextAttemptAt, !event.delivered, !event.deliveryFailed {
            members.append(("nextAttemptAt", .string(SandboxClock.iso8601(next))))
        }
        return .object(members)
    }
}

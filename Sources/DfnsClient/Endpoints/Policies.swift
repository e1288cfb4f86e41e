import DfnsEncoding
import DfnsProtocol

/// Policies v2 and approvals (reference/dfns-protocol.md §15.2).
public struct PoliciesAPI: Sendable {
    let client: DfnsAPIClient

    /// `POST /v2/policies` (user action) with the policy as JSON (`{name, activityKind, rule,
    /// action, filters?}`).
    public func create(_ policy: JSONValue) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/v2/policies", json: policy).json()
    }

    /// `GET /v2/policy-approvals`, every page (each approval as JSON).
    public func approvals(limit: Int? = nil) -> PageSequence<JSONValue> {
        PageSequence(client: client, path: "/v2/policy-approvals", limit: limit)
    }

    /// `GET /v2/policy-approvals/{approvalId}`.
    public func approval(_ approvalId: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.get, "/v2/policy-approvals/" + CanonicalPath.escapeSegment(approvalId)).json()
    }

    /// `POST /v2/policy-approvals/{approvalId}/decisions` (user action): approve or deny.
    public func decide(_ approvalId: String, approve: Bool, reason: String? = nil) async throws(DfnsError) -> JSONValue {
        var members: [(String, JSONValue)] = [("value", .string(approve ? "Approved" : "Denied"))]
        if let reason { members.append(("reason", .string(reason))) }
        return try await client.send(.post, "/v2/policy-approvals/" + CanonicalPath.escapeSegment(approvalId) + "/decisions",
                                     json: .object(members)).json()
    }
}

/// Webhook subscriptions (reference/dfns-protocol.md §9). Verifying deliveries is
/// `WebhookVerifier`'s job.
public struct WebhooksAPI: Sendable {
    let client: DfnsAPIClient

    /// `POST /webhooks` (user action): the answer holds the signing `secret`, returned this once.
    public func create(url: String, events: [String], description: String? = nil) async throws(DfnsError) -> JSONValue {
        var members: [(String, JSONValue)] = [("url", .string(url)), ("events", .array(events.map { .string($0) }))]
        if let description { members.append(("description", .string(description))) }
        return try await client.send(.post, "/webhooks", json: .object(members)).json()
    }

    /// `GET /webhooks`, every page.
    public func list(limit: Int? = nil) -> PageSequence<JSONValue> {
        PageSequence(client: client, path: "/webhooks", limit: limit)
    }

    /// `GET /webhooks/{webhookId}/events`, every page.
    public func events(_ webhookId: String, limit: Int? = nil) -> PageSequence<JSONValue> {
        PageSequence(client: client, path: "/webhooks/" + CanonicalPath.escapeSegment(webhookId) + "/events", limit: limit)
    }

    /// `DELETE /webhooks/{webhookId}` (user action).
    public func delete(_ webhookId: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.delete, "/webhooks/" + CanonicalPath.escapeSegment(webhookId), json: .object([])).json()
    }
}

extension DfnsAPIClient {
    /// Policies and approvals.
    public var policies: PoliciesAPI { PoliciesAPI(client: self) }
    /// Webhook subscriptions.
    public var webhooks: WebhooksAPI { WebhooksAPI(client: self) }
}

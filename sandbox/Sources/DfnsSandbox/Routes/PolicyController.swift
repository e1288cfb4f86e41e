import DfnsEncoding
import GRDB
import Hummingbird

/// Policies v2 and approvals (reference/dfns-protocol.md §15.2; ``PolicyEngine``): policies are
/// the organization's to manage (its service accounts and employees); approvals are read by the
/// organization's staff, and by an end user who initiated or may decide them; decisions are taken
/// by the approvers a policy lists.
struct PolicyController {
    let services: SandboxServices

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/v2/policies", use: create)
        router.get("/v2/policies", use: list)
        router.get("/v2/policies/:policyId", use: get)
        router.put("/v2/policies/:policyId", use: update)
        router.delete("/v2/policies/:policyId", use: archive)
        router.get("/v2/policy-approvals", use: listApprovals)
        router.get("/v2/policy-approvals/:approvalId", use: getApproval)
        router.post("/v2/policy-approvals/:approvalId/decisions", use: decide)
    }

    static func requireStaff(_ principal: Principal) throws(SandboxError) {
        guard SigningAuthorization.isOrganizationStaff(principal) else {
            throw .forbidden("policies are managed by the organization's service accounts and employees; end user \(principal.userId) cannot")
        }
    }

    static func policy(_ db: Database, id: String, principal: Principal) throws -> PolicyRecord {
        guard let policy = try PolicyRecord.fetchOne(db, key: id), policy.orgId == principal.orgId else {
            throw SandboxError.notFound("policy \(id)")
        }
        return policy
    }

    /// `POST /v2/policies` `{name, activityKind, rule, action, filters?}`, validated strictly.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try Self.requireStaff(principal)
        let body = try context.jsonBody()
        let entity = try await services.perform(context) { db -> JSONValue in
            let definition = try PolicyEngine.validate(body, db, orgId: principal.orgId)
            let policy = PolicyRecord(id: Identifiers.make("plc"), orgId: principal.orgId, name: definition.name,
                                      activityKind: definition.activityKind, rule: JSONWriter.string(definition.rule),
                                      action: JSONWriter.string(definition.action),
                                      filters: definition.filters.map { JSONWriter.string($0) }, status: "Active",
                                      dateCreated: SandboxClock.iso8601())
            try policy.insert(db)
            return PolicyEngine.policyJSON(policy)
        }
        return JSONResponse.make(entity)
    }

    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try Self.requireStaff(principal)
        let page = try PageRequest(request)
        let body = try await services.database.writer.read { db -> JSONValue in
            let (items, next) = try page.fetch(db, PolicyRecord.filter(Column("orgId") == principal.orgId))
            return PageRequest.body(items.map(PolicyEngine.policyJSON), nextPageToken: next)
        }
        return JSONResponse.make(body)
    }

    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try Self.requireStaff(principal)
        let policyId = try context.parameters.require("policyId")
        let policy = try await services.database.writer.read { db in try Self.policy(db, id: policyId, principal: principal) }
        return JSONResponse.make(PolicyEngine.policyJSON(policy))
    }

    /// `PUT /v2/policies/{policyId}` with the whole policy. Refused while approvals the policy
    /// opened are pending, so that every approval is decided under the rules it was opened with.
    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try Self.requireStaff(principal)
        let policyId = try context.parameters.require("policyId")
        let body = try context.jsonBody()
        let entity = try await services.perform(context) { db -> JSONValue in
            var policy = try Self.policy(db, id: policyId, principal: principal)
            guard policy.status == "Active" else { throw SandboxError.badRequest("policy \(policyId) is \(policy.status)") }
            let pending = try ApprovalRecord.filter(Column("policyId") == policy.id && Column("status") == "Pending").fetchCount(db)
            guard pending == 0 else {
                throw SandboxError.conflict("policy \(policyId) has \(pending) pending approval(s) and cannot change until they are decided")
            }
            let definition = try PolicyEngine.validate(body, db, orgId: principal.orgId)
            policy.name = definition.name
            policy.activityKind = definition.activityKind
            policy.rule = JSONWriter.string(definition.rule)
            policy.action = JSONWriter.string(definition.action)
            policy.filters = definition.filters.map { JSONWriter.string($0) }
            try policy.update(db)
            return PolicyEngine.policyJSON(policy)
        }
        return JSONResponse.make(entity)
    }

    /// `DELETE /v2/policies/{policyId}`: the policy becomes `Archived` and no longer triggers;
    /// approvals it already opened are still decided under it.
    @Sendable func archive(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try Self.requireStaff(principal)
        let policyId = try context.parameters.require("policyId")
        let entity = try await services.perform(context) { db -> JSONValue in
            var policy = try Self.policy(db, id: policyId, principal: principal)
            guard policy.status == "Active" else { throw SandboxError.badRequest("policy \(policyId) is already \(policy.status)") }
            policy.status = "Archived"
            try policy.update(db)
            return PolicyEngine.policyJSON(policy)
        }
        return JSONResponse.make(entity)
    }

    /// `GET /v2/policy-approvals[?status=Pending|Approved|Denied|Expired]`.
    @Sendable func listApprovals(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let page = try PageRequest(request)
        let status = request.uri.queryParameters["status"].map(String.init)
        if let status, !PolicyEngine.approvalStatuses.contains(status) {
            throw SandboxError.badRequest("status must be one of \(PolicyEngine.approvalStatuses.joined(separator: ", "))")
        }
        let body = try await services.database.writer.read { db -> JSONValue in
            var query = ApprovalRecord.filter(Column("orgId") == principal.orgId)
            if let status { query = query.filter(Column("status") == status) }
            if !SigningAuthorization.isOrganizationStaff(principal) {
                // An end user sees the approvals they initiated or may decide: the policies naming
                // them are found first (approver lists live in the policy's JSON).
                let policies = try PolicyRecord.filter(Column("orgId") == principal.orgId).fetchAll(db)
                let theirs = policies.filter { policy in
                    PolicyEngine.approvalGroups(of: JSONValue.stored(policy.action)).contains { $0.approvers.contains(principal.userId) }
                }.map(\.id)
                query = query.filter(Column("initiatorId") == principal.userId || theirs.contains(Column("policyId")))
            }
            let (items, next) = try page.fetch(db, query)
            return PageRequest.body(try items.map { try PolicyEngine.approvalJSON(db, $0) }, nextPageToken: next)
        }
        return JSONResponse.make(body)
    }

    @Sendable func getApproval(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let approvalId = try context.parameters.require("approvalId")
        let body = try await services.database.writer.read { db -> JSONValue in
            guard let approval = try ApprovalRecord.fetchOne(db, key: approvalId),
                  PolicyEngine.canSee(principal, approval: approval, policy: try PolicyRecord.fetchOne(db, key: approval.policyId)) else {
                throw SandboxError.notFound("approval \(approvalId)")
            }
            return try PolicyEngine.approvalJSON(db, approval)
        }
        return JSONResponse.make(body)
    }

    /// `POST /v2/policy-approvals/{approvalId}/decisions` `{value: Approved|Denied, reason?}`.
    @Sendable func decide(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let approvalId = try context.parameters.require("approvalId")
        let body = try context.jsonBody()
        try body.allowOnly(["value", "reason"])
        let value = try body.string("value")
        guard value == "Approved" || value == "Denied" else { throw SandboxError.badRequest("value must be Approved or Denied") }
        let reason = try body.optionalString("reason")
        let entity = try await services.perform(context) { db in
            try PolicyEngine.decide(db, principal: principal, approvalId: approvalId, value: value, reason: reason)
        }
        return JSONResponse.make(entity)
    }
}

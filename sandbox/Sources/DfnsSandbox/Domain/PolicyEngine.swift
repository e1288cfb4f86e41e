import DfnsEncoding
import Foundation
import GRDB

/// Policies v2 and their approvals (reference/dfns-protocol.md §15.2): strict validation of a
/// policy, evaluation of a request against the organization's active policies, and the approval
/// decisions that release or reject a held request.
///
/// What the sandbox serves: activity kind `Wallets:Sign`; rules `AlwaysTrigger` and
/// `TransactionAmountLimit`; actions `RequestApproval`, `Block` and `NoAction`; filter
/// `walletId.in`. Anything else is refused at creation with a 400 naming what is supported, so a
/// policy the sandbox stores is a policy it enforces.
///
/// Evaluation:
/// - Only requests on CUSTODIAL keys are evaluated. Keys (and wallets) delegated to an end user
///   bypass the policy engine entirely, as Dfns documents (§15.2): the callers do not evaluate
///   anything for them.
/// - `AlwaysTrigger` triggers.
/// - `TransactionAmountLimit` triggers when the request's amount is above the limit. The sandbox
///   has no price feed: it reads a transfer's `amount` as already expressed in the policy's
///   currency. A request that carries no amount (a `Hash` or `Message` signature) cannot be
///   evaluated, and a rule that cannot evaluate FAILS CLOSED (§15.2): it triggers.
/// - A rule or action the sandbox cannot read (never stored by this code) also fails closed.
/// - Precedence among triggered policies: `Block` wins over `RequestApproval`, which wins over
///   `NoAction`. Each triggered `RequestApproval` policy opens its own approval; the request is
///   released when every one of them is approved, and rejected as soon as one is denied (the
///   others are then closed as `Expired`, having become moot).
///
/// A policy cannot be changed (`PUT`) while approvals it opened are pending, so an approval is
/// always decided under the approval groups it was opened with; archiving it (`DELETE`) keeps the
/// row, and its pending approvals are still decided under it.
public enum PolicyEngine {
    public static let supportedActivityKinds = ["Wallets:Sign"]
    static let documentedActivityKinds = ["Wallets:Sign", "Wallets:IncomingTransaction", "Permissions:Assign",
                                          "Permissions:Modify", "Policies:Modify"]
    public static let supportedRuleKinds = ["AlwaysTrigger", "TransactionAmountLimit"]
    public static let supportedActionKinds = ["RequestApproval", "Block", "NoAction"]
    public static let currencies = ["USD", "EUR"]
    public static let approvalStatuses = ["Pending", "Approved", "Denied", "Expired"]

    // MARK: - Validation

    /// A validated policy, normalized (members in protocol order, nothing unknown).
    public struct Definition: Sendable {
        public var name: String
        public var activityKind: String
        public var rule: JSONValue
        public var action: JSONValue
        public var filters: JSONValue?
    }

    /// Validates the body of `POST /v2/policies` or `PUT /v2/policies/{policyId}` strictly.
    public static func validate(_ body: JSONRequestBody, _ db: Database, orgId: String) throws -> Definition {
        try body.allowOnly(["name", "activityKind", "rule", "action", "filters"])
        let name = try body.string("name")
        guard !name.isEmpty, name.count <= 255 else { throw SandboxError.badRequest("name must be 1 to 255 characters") }
        let activityKind = try body.string("activityKind")
        guard supportedActivityKinds.contains(activityKind) else {
            let known = documentedActivityKinds.contains(activityKind) ? "" : " and is not an activity kind of policies v2"
            throw SandboxError.badRequest("activityKind \(activityKind) is not supported by the sandbox\(known) (supported: \(supportedActivityKinds.joined(separator: ", ")))")
        }
        let rule = try validateRule(try body.object("rule"))
        let action = try validateAction(try body.object("action"), db, orgId: orgId)
        let filters = try body.optionalObject("filters").flatMap { try validateFilters($0, db, orgId: orgId) }
        return Definition(name: name, activityKind: activityKind, rule: rule, action: action, filters: filters)
    }

    static func validateRule(_ rule: JSONValue) throws(SandboxError) -> JSONValue {
        let kind = try rule.requiredString("kind", in: "rule")
        switch kind {
        case "AlwaysTrigger":
            try rule.allowOnlyMembers(["kind", "configuration"], in: "rule")
            if let configuration = rule["configuration"], configuration != .null {
                guard case .object(let members) = configuration, members.isEmpty else {
                    throw .badRequest("rule.configuration of an AlwaysTrigger rule must be absent or {}")
                }
            }
            return .object([("kind", .string(kind))])
        case "TransactionAmountLimit":
            try rule.allowOnlyMembers(["kind", "configuration"], in: "rule")
            guard let configuration = rule["configuration"], case .object = configuration else {
                throw .badRequest("rule.configuration is required for TransactionAmountLimit: {limit, currency}")
            }
            try configuration.allowOnlyMembers(["limit", "currency"], in: "rule.configuration")
            guard let limit = configuration["limit"] else { throw .badRequest("rule.configuration.limit is required") }
            guard case .number(let text) = limit, DecimalAmount.parse(text) != nil else {
                throw .badRequest("rule.configuration.limit must be a non-negative decimal number (without exponent), found \(limit.typeName)")
            }
            let currency = try configuration.requiredString("currency", in: "rule.configuration")
            guard currencies.contains(currency) else {
                throw .badRequest("rule.configuration.currency \(currency) is not supported by the sandbox (supported: \(currencies.joined(separator: ", ")))")
            }
            return .object([("kind", .string(kind)),
                             ("configuration", .object([("limit", .number(text)), ("currency", .string(currency))]))])
        default:
            throw .badRequest("rule.kind \(kind) is not supported by the sandbox (supported: \(supportedRuleKinds.joined(separator: ", ")))")
        }
    }

    static func validateAction(_ action: JSONValue, _ db: Database, orgId: String) throws -> JSONValue {
        let kind = try action.requiredString("kind", in: "action")
        switch kind {
        case "Block", "NoAction":
            try action.allowOnlyMembers(["kind"], in: "action")
            return .object([("kind", .string(kind))])
        case "RequestApproval":
            try action.allowOnlyMembers(["kind", "approvalGroups"], unsupported: ["autoRejectTimeout"], in: "action")
            guard let groups = action["approvalGroups"]?.arrayValue, !groups.isEmpty else {
                throw SandboxError.badRequest("action.approvalGroups must be a non-empty array of {name?, quorum, approvers: {userId: {in: […]}}}")
            }
            var normalized: [JSONValue] = []
            for (index, group) in groups.enumerated() {
                let path = "action.approvalGroups[\(index)]"
                guard case .object = group else { throw SandboxError.badRequest("\(path) must be an object") }
                try group.allowOnlyMembers(["name", "quorum", "approvers"], in: path)
                let name = try group.optionalString("name", in: path)
                guard let quorum = group["quorum"]?.int64Value, quorum >= 1 else {
                    throw SandboxError.badRequest("\(path).quorum must be an integer of at least 1")
                }
                guard let approvers = group["approvers"], case .object = approvers else {
                    throw SandboxError.badRequest("\(path).approvers is required: {userId: {in: […]}}")
                }
                try approvers.allowOnlyMembers(["userId"], in: "\(path).approvers")
                guard let userIdFilter = approvers["userId"], case .object = userIdFilter else {
                    throw SandboxError.badRequest("\(path).approvers.userId is required: {in: […]}")
                }
                try userIdFilter.allowOnlyMembers(["in"], in: "\(path).approvers.userId")
                guard let ids = try userIdFilter.optionalStringArray("in", in: "\(path).approvers.userId"), !ids.isEmpty else {
                    throw SandboxError.badRequest("\(path).approvers.userId.in must name at least one user")
                }
                guard Set(ids).count == ids.count else { throw SandboxError.badRequest("\(path).approvers.userId.in names a user twice") }
                guard quorum <= ids.count else {
                    throw SandboxError.badRequest("\(path).quorum \(quorum) exceeds the \(ids.count) approver(s) listed")
                }
                for id in ids {
                    guard let user = try User.fetchOne(db, key: id), user.orgId == orgId, user.isActive else {
                        throw SandboxError.badRequest("\(path).approvers.userId.in names no active user of this organization: \(id)")
                    }
                }
                normalized.append(.compactObject([
                    ("name", name.map { .string($0) }), ("quorum", .number(String(quorum))),
                    ("approvers", .object([("userId", .object([("in", .array(ids.map { .string($0) }))]))])),
                ]))
            }
            return .object([("kind", .string(kind)), ("approvalGroups", .array(normalized))])
        default:
            throw SandboxError.badRequest("action.kind \(kind) is not supported by the sandbox (supported: \(supportedActionKinds.joined(separator: ", ")))")
        }
    }

    static func validateFilters(_ filters: JSONValue, _ db: Database, orgId: String) throws -> JSONValue? {
        try filters.allowOnlyMembers(["walletId"], unsupported: ["walletTags"], in: "filters")
        guard let walletId = filters["walletId"], walletId != .null else { return nil }
        guard case .object = walletId else { throw SandboxError.badRequest("filters.walletId must be {in: […]}") }
        try walletId.allowOnlyMembers(["in"], in: "filters.walletId")
        guard let ids = try walletId.optionalStringArray("in", in: "filters.walletId"), !ids.isEmpty else {
            throw SandboxError.badRequest("filters.walletId.in must name at least one wallet")
        }
        for id in ids {
            guard let wallet = try WalletRecord.fetchOne(db, key: id), wallet.orgId == orgId else {
                throw SandboxError.badRequest("filters.walletId.in names no wallet of this organization: \(id)")
            }
        }
        return .object([("walletId", .object([("in", .array(ids.map { .string($0) }))]))])
    }

    // MARK: - Evaluation

    /// What is being asked: a signature or a transfer with the key, on some wallets.
    public struct Activity: Sendable {
        /// The key that would sign.
        public var keyId: String
        /// The wallets the request acts on (for a key signature: every wallet over the key).
        public var walletIds: [String]
        /// The amount the request moves (a transfer's `amount`); nil when it carries none.
        public var amount: String?
        /// `{"kind":"Signature","id":…}` or `{"kind":"Transfer","id":…}`, for events.
        public var subject: JSONValue
    }

    /// A policy that triggered, its action kind and why.
    public struct Trigger: Sendable {
        public var policy: PolicyRecord
        public var actionKind: String
        public var reason: String
    }

    /// The active `Wallets:Sign` policies of `orgId` that trigger for `activity`, in creation order.
    public static func evaluate(_ db: Database, orgId: String, activity: Activity) throws -> [Trigger] {
        let policies = try PolicyRecord
            .filter(Column("orgId") == orgId && Column("activityKind") == "Wallets:Sign" && Column("status") == "Active")
            .order(Column.rowID).fetchAll(db)
        var triggers: [Trigger] = []
        for policy in policies {
            let filters = JSONValue.stored(policy.filters)
            if let ids = filters["walletId"]?["in"]?.arrayValue?.compactMap(\.stringValue) {
                guard activity.walletIds.contains(where: ids.contains) else { continue }
            }
            guard let reason = triggerReason(JSONValue.stored(policy.rule), activity: activity) else { continue }
            let actionKind = JSONValue.stored(policy.action)["kind"]?.stringValue ?? ""
            // An action the sandbox cannot read blocks (fails closed).
            triggers.append(Trigger(policy: policy, actionKind: supportedActionKinds.contains(actionKind) ? actionKind : "Block",
                                    reason: reason))
        }
        return triggers
    }

    /// Why `rule` triggers for `activity`, or nil when it does not.
    static func triggerReason(_ rule: JSONValue, activity: Activity) -> String? {
        switch rule["kind"]?.stringValue {
        case "AlwaysTrigger":
            return "AlwaysTrigger"
        case "TransactionAmountLimit":
            let configuration = rule["configuration"]
            let currency = configuration?["currency"]?.stringValue ?? "?"
            guard case .number(let limitText)? = configuration?["limit"], let limit = DecimalAmount.parse(limitText) else {
                return "TransactionAmountLimit has no readable limit, so it fails closed"
            }
            guard let amountText = activity.amount, let amount = DecimalAmount.parse(amountText) else {
                return "TransactionAmountLimit cannot be evaluated: the request carries no amount (a Hash or Message signature), so it fails closed"
            }
            return amount > limit ? "TransactionAmountLimit: amount \(amountText) exceeds the limit of \(limitText) \(currency)" : nil
        default:
            return "rule \(rule["kind"]?.stringValue ?? "(none)") cannot be evaluated by the sandbox, so it fails closed"
        }
    }

    /// Opens one pending approval per `RequestApproval` trigger on `signature`.
    static func openApprovals(_ db: Database, signature: SignatureRecord, initiatorId: String,
                              triggers: [Trigger]) throws -> [ApprovalRecord] {
        var approvals: [ApprovalRecord] = []
        for trigger in triggers where trigger.actionKind == "RequestApproval" {
            let approval = ApprovalRecord(id: Identifiers.make("ap"), orgId: signature.orgId, initiatorId: initiatorId,
                                          signatureId: signature.id, policyId: trigger.policy.id, status: "Pending",
                                          decisions: "[]", dateCreated: SandboxClock.iso8601(), dateResolved: nil)
            try approval.insert(db)
            approvals.append(approval)
        }
        return approvals
    }

    /// Emits `policy.triggered` for each trigger.
    static func emitTriggered(_ db: Database, orgId: String, triggers: [Trigger], activity: Activity) throws {
        for trigger in triggers {
            try WebhookDispatcher.emit(db, orgId: orgId, kind: "policy.triggered", data: .object([
                ("policy", policyJSON(trigger.policy)), ("activity", activity.subject),
                ("reason", .string(trigger.reason)),
            ]))
        }
    }

    // MARK: - Approval groups and decisions

    /// One approval group of a `RequestApproval` action.
    struct ApprovalGroup {
        var name: String?
        var quorum: Int
        var approvers: [String]
    }

    static func approvalGroups(of action: JSONValue) -> [ApprovalGroup] {
        (action["approvalGroups"]?.arrayValue ?? []).map { group in
            ApprovalGroup(name: group["name"]?.stringValue, quorum: Int(group["quorum"]?.int64Value ?? 1),
                          approvers: group["approvers"]?["userId"]?["in"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
    }

    /// Whether every group has at least its quorum of `Approved` decisions by its own approvers.
    static func quorumReached(_ groups: [ApprovalGroup], decisions: [JSONValue]) -> Bool {
        let approvedBy = Set(decisions.filter { $0["value"]?.stringValue == "Approved" }.compactMap { $0["userId"]?.stringValue })
        return !groups.isEmpty && groups.allSatisfy { group in group.approvers.filter(approvedBy.contains).count >= group.quorum }
    }

    /// `POST /v2/policy-approvals/{approvalId}/decisions`: only a listed approver decides, each
    /// approver once, and the initiator of the request never approves it. A denial rejects the
    /// held signature; the approval that completes the quorum (of every approval the request
    /// waits for) produces the signature, in this same transaction.
    public static func decide(_ db: Database, principal: Principal, approvalId: String, value: String,
                              reason: String?) throws -> JSONValue {
        guard var approval = try ApprovalRecord.fetchOne(db, key: approvalId), approval.orgId == principal.orgId else {
            throw SandboxError.notFound("approval \(approvalId)")
        }
        guard let policy = try PolicyRecord.fetchOne(db, key: approval.policyId) else {
            throw SandboxError.internalError("approval \(approvalId) names a policy that does not exist")
        }
        let groups = approvalGroups(of: JSONValue.stored(policy.action))
        guard groups.contains(where: { $0.approvers.contains(principal.userId) }) else {
            if !canSee(principal, approval: approval, policy: policy) { throw SandboxError.notFound("approval \(approvalId)") }
            throw SandboxError.forbidden("user \(principal.userId) is not an approver of policy '\(policy.name)' (\(policy.id))")
        }
        guard approval.status == "Pending" else {
            throw SandboxError.badRequest("approval \(approvalId) is already \(approval.status)")
        }
        if value == "Approved", principal.userId == approval.initiatorId {
            throw SandboxError.forbidden("user \(principal.userId) initiated this request and cannot approve it")
        }
        var decisions = JSONValue.stored(approval.decisions).arrayValue ?? []
        guard !decisions.contains(where: { $0["userId"]?.stringValue == principal.userId }) else {
            throw SandboxError.badRequest("user \(principal.userId) has already decided on approval \(approvalId)")
        }
        let now = SandboxClock.iso8601()
        decisions.append(.compactObject([
            ("userId", .string(principal.userId)), ("value", .string(value)), ("reason", reason.map { .string($0) }),
            ("date", .string(now)),
        ]))
        approval.decisions = JSONWriter.string(.array(decisions))
        guard var signature = try SignatureRecord.fetchOne(db, key: approval.signatureId) else {
            throw SandboxError.internalError("approval \(approvalId) holds a signature that does not exist")
        }
        if value == "Denied" {
            approval.status = "Denied"
            approval.dateResolved = now
            try approval.update(db)
            try WebhookDispatcher.emit(db, orgId: approval.orgId, kind: "policy.approval.resolved",
                                       data: try approvalJSON(db, approval))
            try expireOthers(db, signatureId: signature.id, except: approval.id)
            if signature.status == "Pending" {
                let because = reason.map { ": \($0)" } ?? ""
                try SignatureService.reject(db, &signature, reason: "denied by \(principal.userId) under policy '\(policy.name)' (\(policy.id))\(because)")
            }
        } else if quorumReached(groups, decisions: decisions) {
            approval.status = "Approved"
            approval.dateResolved = now
            try approval.update(db)
            try WebhookDispatcher.emit(db, orgId: approval.orgId, kind: "policy.approval.resolved",
                                       data: try approvalJSON(db, approval))
            let outstanding = try ApprovalRecord
                .filter(Column("signatureId") == signature.id && Column("status") != "Approved").fetchCount(db)
            if outstanding == 0, signature.status == "Pending" {
                try SignatureService.completeAfterApproval(db, &signature)
            }
        } else {
            try approval.update(db)
        }
        return try approvalJSON(db, approval)
    }

    /// Closes the other pending approvals of a request that has been resolved without them.
    static func expireOthers(_ db: Database, signatureId: String, except approvalId: String?) throws {
        let others = try ApprovalRecord.filter(Column("signatureId") == signatureId && Column("status") == "Pending").fetchAll(db)
        for var other in others where other.id != approvalId {
            other.status = "Expired"
            other.dateResolved = SandboxClock.iso8601()
            try other.update(db)
            try WebhookDispatcher.emit(db, orgId: other.orgId, kind: "policy.approval.resolved", data: try approvalJSON(db, other))
        }
    }

    /// Whether `principal` may read `approval`: the organization's staff read every approval; an
    /// end user only those they initiated or may decide.
    static func canSee(_ principal: Principal, approval: ApprovalRecord, policy: PolicyRecord?) -> Bool {
        guard approval.orgId == principal.orgId else { return false }
        if SigningAuthorization.isOrganizationStaff(principal) || approval.initiatorId == principal.userId { return true }
        guard let policy else { return false }
        return approvalGroups(of: JSONValue.stored(policy.action)).contains { $0.approvers.contains(principal.userId) }
    }

    // MARK: - JSON

    /// A policy as `/v2/policies` answers it.
    public static func policyJSON(_ policy: PolicyRecord) -> JSONValue {
        .compactObject([
            ("id", .string(policy.id)), ("name", .string(policy.name)), ("activityKind", .string(policy.activityKind)),
            ("rule", JSONValue.stored(policy.rule)), ("action", JSONValue.stored(policy.action)),
            ("filters", policy.filters.map { JSONValue.stored($0) }), ("status", .string(policy.status)),
            ("dateCreated", .string(policy.dateCreated)),
        ])
    }

    /// An approval as `/v2/policy-approvals` answers it: `{id, initiatorId, activity, status,
    /// policyEvaluations, decisions, dateCreated, dateResolved?}`, the activity holding the
    /// signature request it holds.
    public static func approvalJSON(_ db: Database, _ approval: ApprovalRecord) throws -> JSONValue {
        let signature = try SignatureRecord.fetchOne(db, key: approval.signatureId)
        let policy = try PolicyRecord.fetchOne(db, key: approval.policyId)
        var evaluation: [(String, JSONValue?)] = [("policyId", .string(approval.policyId)), ("triggered", .bool(true))]
        if let policy { evaluation.append(("policyName", .string(policy.name))) }
        if let groups = policy.flatMap({ JSONValue.stored($0.action)["approvalGroups"] }) {
            evaluation.append(("approvalGroups", groups))
        }
        return .compactObject([
            ("id", .string(approval.id)), ("initiatorId", .string(approval.initiatorId)),
            ("activity", .compactObject([
                ("kind", .string("Wallets:Sign")), ("signatureRequest", signature.map { SignatureService.json($0) }),
            ])),
            ("status", .string(approval.status)),
            ("policyEvaluations", .array([.compactObject(evaluation)])),
            ("decisions", JSONValue.stored(approval.decisions, fallback: .array([]))),
            ("dateCreated", .string(approval.dateCreated)),
            ("dateResolved", approval.dateResolved.map { .string($0) }),
        ])
    }
}

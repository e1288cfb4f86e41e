import DfnsEncoding
import GRDB

/// `POST /wallets/{walletId}/transfers` (reference/dfns-protocol.md §8.4): a `Native` transfer is
/// validated, authorized like a signature (it would be signed by the wallet's key), checked
/// against the policies of a custodial wallet, and RECORDED ONLY: the sandbox has no chain and
/// broadcasts nothing, so an accepted transfer stays `Pending` (a documented status that promises
/// nothing more) for as long as it exists; it never becomes `Broadcasted` or `Confirmed`.
///
/// Policies: `Block` records the transfer `Rejected` and answers 403 naming the policy. The
/// sandbox holds only signature requests for approval (an approval names the signature it
/// releases), so a transfer under a triggered `RequestApproval` policy is refused the same way
/// (fail closed) rather than let through. `TransactionAmountLimit` compares `amount` with the
/// limit (see ``PolicyEngine``).
///
/// Idempotency (§8.4, §15.3): the same `externalId` on the same wallet with the same request
/// answers 200 with the existing transfer, whatever its state; with a different request, 409
/// `Conflicting transfer with same externalId` and the existing transfer in `details.duplicate`.
public enum TransferService {
    public static let servedKinds = ["Native"]
    static let documentedKinds: Set<String> = [
        "Native", "Erc20", "Erc721", "Spl", "Spl2022", "Trc10", "Trc20", "Trc721", "Asa", "Aip21", "Asset", "Coin",
        "Hip17", "Hts", "Sep41", "Tep74",
    ]
    static let priorities = ["Slow", "Standard", "Fast"]

    /// The status of an accepted transfer: nothing is broadcast (see above).
    public static let acceptedStatus = "Pending"

    /// Validates a transfer request; returns its amount and `externalId`.
    static func parse(_ body: JSONRequestBody) throws(SandboxError) -> (amount: String, externalId: String?) {
        let kind = try body.string("kind")
        guard servedKinds.contains(kind) else {
            let known = documentedKinds.contains(kind) ? "" : " and is not a transfer kind of the API"
            throw .badRequest("transfer kind \(kind) is not supported by the sandbox\(known) (supported: \(servedKinds.joined(separator: ", ")))")
        }
        try body.allowOnly(["kind", "to", "amount", "memo", "priority", "externalId", "travelRule"],
                           unsupported: ["feeSponsorId", "createDestinationAccount"])
        let to = try body.string("to")
        guard !to.isEmpty, to.count <= 256 else { throw .badRequest("to must be 1 to 256 characters") }
        guard let member = body.value["amount"] else { throw .badRequest("amount is required") }
        guard let amount = member.stringValue else {
            throw .badRequest("amount must be a string of the amount in the asset's smallest unit, found \(member.typeName)")
        }
        guard !amount.isEmpty, amount.allSatisfy({ $0.isASCII && $0.isNumber }), amount.contains(where: { $0 != "0" }),
              amount.count <= 78 else {
            throw .badRequest("amount must be a positive integer in the asset's smallest unit, as a string of digits")
        }
        _ = try body.optionalString("memo")
        if let priority = try body.optionalString("priority"), !priorities.contains(priority) {
            throw .badRequest("priority must be one of \(priorities.joined(separator: ", "))")
        }
        _ = try body.optionalObject("travelRule")
        return (amount, try body.optionalExternalId())
    }

    /// Records a transfer request on `wallet` in the caller's transaction.
    public static func request(_ db: Database, principal: Principal, userAction: UserActionTokenRecord?,
                               wallet: WalletRecord, key: SigningKeyRecord, body: JSONRequestBody) throws -> RequestOutcome {
        try SigningAuthorization.authorizeSigning(db, principal: principal, userAction: userAction, key: key)
        guard wallet.status == "Active" else { throw SandboxError.badRequest("wallet \(wallet.id) is \(wallet.status)") }
        let (amount, externalId) = try parse(body)
        if let externalId,
           let existing = try TransferRecord.filter(Column("walletId") == wallet.id && Column("externalId") == externalId).fetchOne(db) {
            let entity = json(existing, wallet: wallet)
            guard JSONValue.stored(existing.requestBody).isEquivalent(to: body.value) else {
                throw SandboxError.conflict("Conflicting transfer with same externalId", details: .object([("duplicate", entity)]))
            }
            return .done(entity)
        }
        var record = TransferRecord(id: Identifiers.make("xfr"), orgId: wallet.orgId, walletId: wallet.id,
                                    requesterId: principal.userId, requestBody: JSONWriter.string(body.value),
                                    status: acceptedStatus, externalId: externalId, dateRequested: SandboxClock.iso8601())
        var refusal: SandboxError?
        var triggers: [PolicyEngine.Trigger] = []
        let activity = PolicyEngine.Activity(keyId: key.id, walletIds: [wallet.id], amount: amount,
                                             subject: .object([("kind", .string("Transfer")), ("id", .string(record.id))]))
        // Delegated wallets bypass the policy engine (§15.2); custodial wallets are evaluated.
        if key.custodial {
            triggers = try PolicyEngine.evaluate(db, orgId: wallet.orgId, activity: activity)
            if let block = triggers.first(where: { $0.actionKind == "Block" }) {
                refusal = .forbidden("transfer request \(record.id) was blocked by policy '\(block.policy.name)' (\(block.policy.id)): \(block.reason)")
            } else if let approval = triggers.first(where: { $0.actionKind == "RequestApproval" }) {
                refusal = .forbidden("transfer request \(record.id) triggered policy '\(approval.policy.name)' (\(approval.policy.id)), which requests approval: the sandbox holds only signature requests for approval, so the transfer is rejected (fail closed)")
            }
        }
        if refusal != nil { record.status = "Rejected" }
        try record.insert(db)
        try WebhookDispatcher.emit(db, orgId: record.orgId, kind: "wallet.transfer.requested", data: json(record, wallet: wallet))
        try PolicyEngine.emitTriggered(db, orgId: record.orgId, triggers: triggers, activity: activity)
        if let refusal {
            try WebhookDispatcher.emit(db, orgId: record.orgId, kind: "wallet.transfer.rejected", data: json(record, wallet: wallet))
            return .refused(refusal)
        }
        return .done(json(record, wallet: wallet))
    }

    /// A transfer as the API answers it: `{id, walletId, network, requester:{userId}, requestBody,
    /// status, externalId?, dateRequested}`.
    public static func json(_ record: TransferRecord, wallet: WalletRecord) -> JSONValue {
        .compactObject([
            ("id", .string(record.id)), ("walletId", .string(record.walletId)), ("network", .string(wallet.network)),
            ("requester", .object([("userId", .string(record.requesterId))])),
            ("requestBody", JSONValue.stored(record.requestBody, fallback: .object([]))), ("status", .string(record.status)),
            ("externalId", record.externalId.map { .string($0) }), ("dateRequested", .string(record.dateRequested)),
        ])
    }
}

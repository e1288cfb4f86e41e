import DfnsEncoding
import GRDB

/// What a request that creates an asynchronous entity (a signature, a transfer) ended in, inside
/// its transaction. The transaction commits in every case (a blocked request is recorded as
/// `Rejected` and audited); the route then answers 200, 202 or the refusal.
public enum RequestOutcome: Sendable {
    /// 200 with the entity (done, or the existing entity of an idempotent resubmission).
    case done(JSONValue)
    /// 202 with the entity: held by a policy until its approval is decided.
    case pendingApproval(JSONValue)
    /// The request was recorded but refused (a `Block` policy): answered as this error.
    case refused(SandboxError)
}

/// `POST /keys/{keyId}/signatures` (and its deprecated wallet alias): the request kinds the
/// sandbox signs, the signing, idempotency by `externalId`, the policy engine for custodial keys,
/// and the signature entity as the API answers it (reference/dfns-protocol.md §8.3, §15.1).
///
/// Served kinds: `Hash` (a 32-byte digest, `0x` hex) on ECDSA secp256k1 keys, signed as given
/// (low S, RFC 6979) with its recovery id; `Message` (`0x` hex bytes) on EdDSA ed25519 keys, signed
/// with pure Ed25519. Every other combination and kind is a 400 naming what is served.
public enum SignatureService {
    public static let servedKinds = "Hash on ECDSA secp256k1 keys, Message on EdDSA ed25519 keys"
    static let documentedKinds: Set<String> = [
        "Hash", "Message", "Transaction", "Eip712", "Eip7702", "Psbt", "Bip322", "PactCommand", "SignDocDirect",
        "SignerPayload", "Cip8",
    ]

    /// A validated request: its kind and the bytes to sign.
    struct Parsed {
        var kind: String
        var data: [UInt8]
        var externalId: String?
    }

    /// Validates a signature request for `key`.
    static func parse(_ body: JSONRequestBody, key: SigningKeyRecord) throws(SandboxError) -> Parsed {
        let kind = try body.string("kind")
        let externalId = try body.optionalExternalId()
        _ = try body.optionalString("network")
        _ = try body.optionalString("blockchainKind")
        switch kind {
        case "Hash":
            try body.allowOnly(["kind", "hash", "network", "blockchainKind", "externalId"], unsupported: ["taprootMerkleRoot"])
            guard key.scheme == "ECDSA", key.curve == "secp256k1" else {
                throw .badRequest("kind Hash is served for ECDSA secp256k1 keys; key \(key.id) is \(key.scheme) \(key.curve): use kind Message (supported: \(servedKinds))")
            }
            let text = try body.string("hash")
            guard let digest = try? Hex.decode(text, allowPrefix: true), digest.count == 32 else {
                throw .badRequest("hash must be 32 bytes of hex (0x-prefixed), found \(text.prefix(80))")
            }
            return Parsed(kind: kind, data: digest, externalId: externalId)
        case "Message":
            try body.allowOnly(["kind", "message", "network", "blockchainKind", "externalId"])
            guard key.scheme == "EdDSA", key.curve == "ed25519" else {
                throw .badRequest("kind Message is served for EdDSA ed25519 keys; key \(key.id) is \(key.scheme) \(key.curve), whose messages need a blockchain-specific digest the sandbox does not compute: sign the digest with kind Hash (supported: \(servedKinds))")
            }
            let text = try body.string("message")
            guard text.hasPrefix("0x"), let bytes = try? Hex.decode(text, allowPrefix: true) else {
                throw .badRequest("message must be 0x-prefixed hex")
            }
            return Parsed(kind: kind, data: bytes, externalId: externalId)
        default:
            let known = documentedKinds.contains(kind) ? "" : " and is not a kind of the Keys API"
            throw .badRequest("signature kind \(kind) is not supported by the sandbox\(known) (supported: \(servedKinds))")
        }
    }

    /// Records and answers a signature request with `key` (on `wallet` for the wallet alias), in
    /// the caller's transaction: authorization (``SigningAuthorization/authorizeSigning(_:principal:userAction:key:)``),
    /// validation, idempotency by `externalId` (same request: the existing entity, 200; another
    /// request: 409 with `details.duplicate`), then for a custodial key the policy engine, then
    /// the signature.
    public static func request(_ db: Database, principal: Principal, userAction: UserActionTokenRecord?,
                               key: SigningKeyRecord, wallet: WalletRecord?, body: JSONRequestBody) throws -> RequestOutcome {
        try SigningAuthorization.authorizeSigning(db, principal: principal, userAction: userAction, key: key)
        let parsed = try parse(body, key: key)
        if let externalId = parsed.externalId,
           let existing = try SignatureRecord.filter(Column("keyId") == key.id && Column("externalId") == externalId).fetchOne(db) {
            let entity = json(existing)
            guard JSONValue.stored(existing.requestBody).isEquivalent(to: body.value), existing.walletId == wallet?.id else {
                throw SandboxError.conflict("Conflicting signature with same externalId", details: .object([("duplicate", entity)]))
            }
            return .done(entity)
        }
        let now = SandboxClock.iso8601()
        var record = SignatureRecord(id: Identifiers.make("sig"), orgId: key.orgId, keyId: key.id, walletId: wallet?.id,
                                     requesterId: principal.userId, requesterTokenId: principal.token.id,
                                     requestBody: JSONWriter.string(body.value), status: "Pending", reason: nil,
                                     signature: nil, approvalId: nil, externalId: parsed.externalId, dateRequested: now,
                                     datePolicyResolved: nil, dateSigned: nil)
        try record.insert(db)
        try WebhookDispatcher.emit(db, orgId: record.orgId, kind: "wallet.signature.requested", data: json(record))

        // Delegated keys bypass the policy engine (§15.2); custodial keys are evaluated.
        if key.custodial {
            let walletIds = try wallet.map { [$0.id] } ?? String.fetchAll(db, sql: "SELECT id FROM wallet WHERE keyId = ?", arguments: [key.id])
            let activity = PolicyEngine.Activity(keyId: key.id, walletIds: walletIds, amount: nil,
                                                 subject: .object([("kind", .string("Signature")), ("id", .string(record.id))]))
            let triggers = try PolicyEngine.evaluate(db, orgId: key.orgId, activity: activity)
            try PolicyEngine.emitTriggered(db, orgId: key.orgId, triggers: triggers, activity: activity)
            if let block = triggers.first(where: { $0.actionKind == "Block" }) {
                let reason = "blocked by policy '\(block.policy.name)' (\(block.policy.id)): \(block.reason)"
                try reject(db, &record, reason: reason)
                return .refused(.forbidden("signature request \(record.id) was \(reason)"))
            }
            let approvals = try PolicyEngine.openApprovals(db, signature: record, initiatorId: principal.userId, triggers: triggers)
            if let first = approvals.first {
                record.approvalId = first.id
                try record.update(db)
                for approval in approvals {
                    try WebhookDispatcher.emit(db, orgId: record.orgId, kind: "policy.approval.pending",
                                               data: try PolicyEngine.approvalJSON(db, approval))
                }
                return .pendingApproval(json(record))
            }
        }
        try sign(db, &record, key: key)
        return .done(json(record))
    }

    /// Signs `record` with `key` and records it `Signed`.
    static func sign(_ db: Database, _ record: inout SignatureRecord, key: SigningKeyRecord) throws {
        let body = JSONValue.stored(record.requestBody)
        let signature: JSONValue
        switch body["kind"]?.stringValue {
        case "Hash":
            signature = try KeyVault.signHash(try Hex.decode(body["hash"]?.stringValue ?? "", allowPrefix: true),
                                              privateKeyPEM: key.privateKey)
        case "Message":
            signature = try KeyVault.signMessage(try Hex.decode(body["message"]?.stringValue ?? "", allowPrefix: true),
                                                 privateKeyPEM: key.privateKey)
        default:
            throw SandboxError.internalError("signature \(record.id) has a kind the sandbox does not sign")
        }
        record.signature = JSONWriter.string(signature)
        record.status = "Signed"
        record.dateSigned = SandboxClock.iso8601()
        try record.update(db)
        try WebhookDispatcher.emit(db, orgId: record.orgId, kind: "wallet.signature.signed", data: json(record))
    }

    /// Records `record` as `Rejected` with `reason`.
    static func reject(_ db: Database, _ record: inout SignatureRecord, reason: String) throws {
        record.status = "Rejected"
        record.reason = reason
        record.datePolicyResolved = SandboxClock.iso8601()
        try record.update(db)
        try WebhookDispatcher.emit(db, orgId: record.orgId, kind: "wallet.signature.rejected", data: json(record))
    }

    /// Signs a request whose approvals are all granted. The key is checked again: one that was
    /// delegated to an end user, or archived, while the request waited is not signed by the
    /// organization (the request fails).
    static func completeAfterApproval(_ db: Database, _ record: inout SignatureRecord) throws {
        record.datePolicyResolved = SandboxClock.iso8601()
        guard let key = try SigningKeyRecord.fetchOne(db, key: record.keyId), key.custodial, key.status == "Active" else {
            record.status = "Failed"
            record.reason = "key \(record.keyId) is no longer an active custodial key: the approved request is not signed"
            try record.update(db)
            try WebhookDispatcher.emit(db, orgId: record.orgId, kind: "wallet.signature.failed", data: json(record))
            return
        }
        try sign(db, &record, key: key)
    }

    /// Rejects the pending requests of `keyId` (the key was delegated to an end user or archived:
    /// the organization may no longer sign with it), closing their approvals.
    static func rejectPending(_ db: Database, keyId: String, reason: String) throws {
        let pending = try SignatureRecord.filter(Column("keyId") == keyId && Column("status") == "Pending").fetchAll(db)
        for var record in pending {
            try PolicyEngine.expireOthers(db, signatureId: record.id, except: nil)
            try reject(db, &record, reason: reason)
        }
    }

    /// A signature as the API answers it: `{id, keyId, walletId?, requester:{userId, tokenId?},
    /// requestBody, status, reason?, signature?, network?, approvalId?, dateRequested,
    /// datePolicyResolved?, dateSigned?, externalId?}`.
    public static func json(_ record: SignatureRecord) -> JSONValue {
        let requestBody = JSONValue.stored(record.requestBody, fallback: .object([]))
        return .compactObject([
            ("id", .string(record.id)), ("keyId", .string(record.keyId)), ("walletId", record.walletId.map { .string($0) }),
            ("requester", .compactObject([("userId", .string(record.requesterId)),
                                          ("tokenId", record.requesterTokenId.map { .string($0) })])),
            ("requestBody", requestBody), ("status", .string(record.status)), ("reason", record.reason.map { .string($0) }),
            ("signature", record.signature.map { JSONValue.stored($0) }),
            ("network", requestBody["network"]), ("approvalId", record.approvalId.map { .string($0) }),
            ("dateRequested", .string(record.dateRequested)),
            ("datePolicyResolved", record.datePolicyResolved.map { .string($0) }),
            ("dateSigned", record.dateSigned.map { .string($0) }), ("externalId", record.externalId.map { .string($0) }),
        ])
    }
}

import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import GRDB
import Testing

/// Policies v2: strict validation, the engine on custodial keys (202 pending approval, approvals
/// and denials, Block, TransactionAmountLimit failing closed), and delegated keys bypassing it.
@Suite struct PolicyTests {
    static let alwaysTrigger: JSONValue = .object([("kind", .string("AlwaysTrigger"))])

    static func policy(_ name: String, rule: JSONValue = alwaysTrigger, action: JSONValue, filters: JSONValue? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(name)), ("activityKind", .string("Wallets:Sign")), ("rule", rule), ("action", action),
        ]
        if let filters { members.append(("filters", filters)) }
        return .object(members)
    }

    static func requestApproval(_ approvers: [String], quorum: Int = 1) -> JSONValue {
        .object([("kind", .string("RequestApproval")), ("approvalGroups", .array([.object([
            ("name", .string("approvers")), ("quorum", .number(String(quorum))),
            ("approvers", .object([("userId", .object([("in", .array(approvers.map { .string($0) }))]))])),
        ])]))])
    }

    static let block: JSONValue = .object([("kind", .string("Block"))])

    static func amountLimit(_ limit: String) -> JSONValue {
        .object([("kind", .string("TransactionAmountLimit")),
                 ("configuration", .object([("limit", .number(limit)), ("currency", .string("USD"))]))])
    }

    static func hashBody(_ text: String, externalId: String? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("kind", .string("Hash")), ("hash", .string("0x" + Hex.encode(testDigest(text))))]
        if let externalId { members.append(("externalId", .string(externalId))) }
        return .object(members)
    }

    @Test func aHeldSignatureAnswers202AndIsSignedWhenTheApproverApproves() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let alice = try await EndUserFixture.create(in: sandbox)
            let bob = try await EndUserFixture.create(in: sandbox)
            let created = try await service.policies.create(Self.policy("two eyes", action: Self.requestApproval([sandbox.serviceAccountId, alice.user.id])))
            #expect(created["status"]?.stringValue == "Active")
            let key = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1")

            let response = try await service.send(.post, "/keys/\(key.id)/signatures", json: Self.hashBody("held"))
            #expect(response.status == 202)
            let pending = try response.decode(KeySignature.self)
            #expect(pending.status == "Pending")
            #expect(pending.signature == nil)
            let approvalId = try #require(pending.approvalId)
            let approval = try await service.policies.approval(approvalId)
            #expect(approval["status"]?.stringValue == "Pending")
            #expect(approval["initiatorId"]?.stringValue == sandbox.serviceAccountId)
            #expect(approval["activity"]?["signatureRequest"]?["id"]?.stringValue == pending.id)
            #expect(approval["policyEvaluations"]?.arrayValue?.first?["policyId"] == created["id"])

            // The initiator may not approve their own request; someone not listed may not decide.
            let own = await apiError { try await service.policies.decide(approvalId, approve: true) }
            #expect(own?.status == 403)
            #expect(own?.message?.contains("initiated") == true)
            #expect(await apiError { try await bob.client(in: sandbox).policies.decide(approvalId, approve: true) }?.status == 404)
            #expect(try await service.keys.signature(key.id, pending.id).status == "Pending")

            let decided = try await alice.client(in: sandbox).policies.decide(approvalId, approve: true, reason: "looks fine")
            #expect(decided["status"]?.stringValue == "Approved")
            #expect(decided["decisions"]?.arrayValue?.first?["userId"]?.stringValue == alice.user.id)
            let signed = try await service.keys.signature(key.id, pending.id)
            #expect(signed.status == "Signed")
            #expect(signed.datePolicyResolved != nil)
            try expectRecovers(signed.signature, digest: testDigest("held"), publicKeyHex: key.publicKey)

            let twice = await apiError { try await alice.client(in: sandbox).policies.decide(approvalId, approve: false) }
            #expect(twice?.status == 400)

            // The client reports a held request as pending, with its approval.
            let outcome = try await service.keys.sign(key.id, .hash(testDigest("second")))
            guard case .pending(_, let secondApproval) = outcome else {
                Issue.record("expected a pending outcome, got \(outcome)")
                return
            }
            #expect(secondApproval != nil)

            let approved = try await service.send(.get, "/v2/policy-approvals?status=Approved").json()
            #expect(approved["items"]?.arrayValue?.count == 1)
            let stillPending = try await service.send(.get, "/v2/policy-approvals?status=Pending").json()
            #expect(stillPending["items"]?.arrayValue?.count == 1)
            #expect(await apiError { try await service.send(.get, "/v2/policy-approvals?status=Maybe") }?.status == 400)
            var alicesView = 0
            for try await _ in try alice.client(in: sandbox).policies.approvals() { alicesView += 1 }
            #expect(alicesView == 2)
            var bobsView = 0
            for try await _ in try bob.client(in: sandbox).policies.approvals() { bobsView += 1 }
            #expect(bobsView == 0)

            // A policy with pending approvals cannot change; a transfer under RequestApproval fails closed.
            let change = await apiError {
                try await service.send(.put, "/v2/policies/\(created["id"]?.stringValue ?? "")", json: Self.policy("changed", action: Self.block))
            }
            #expect(change?.status == 409)
            let wallet = try await service.wallets.create(network: "EthereumSepolia")
            let transfer = await apiError {
                try await service.wallets.transfer(wallet.id, TransferTests.native("0x1", "1"))
            }
            #expect(transfer?.status == 403)
            #expect(transfer?.message?.contains("fail closed") == true)
        }
    }

    @Test func aQuorumOfTwoNeedsBothApprovers() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let alice = try await EndUserFixture.create(in: sandbox)
            let bob = try await EndUserFixture.create(in: sandbox)
            _ = try await service.policies.create(Self.policy("quorum", action: Self.requestApproval([alice.user.id, bob.user.id], quorum: 2)))
            let key = try await service.keys.create(scheme: "EdDSA", curve: "ed25519")
            let message = Array("quorum".utf8)
            let outcome = try await service.keys.sign(key.id, .message(message))
            guard case .pending(let signature, let approvalId?) = outcome else {
                Issue.record("expected a pending outcome, got \(outcome)")
                return
            }
            let first = try await alice.client(in: sandbox).policies.decide(approvalId, approve: true)
            #expect(first["status"]?.stringValue == "Pending")
            #expect(try await service.keys.signature(key.id, signature.id).status == "Pending")
            let second = try await bob.client(in: sandbox).policies.decide(approvalId, approve: true)
            #expect(second["status"]?.stringValue == "Approved")
            let signed = try await service.keys.signature(key.id, signature.id)
            #expect(signed.status == "Signed")
            try expectEd25519Verifies(signed.signature, message: message, publicKeyHex: key.publicKey)
        }
    }

    @Test func aDenialRejectsTheHeldSignature() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let alice = try await EndUserFixture.create(in: sandbox)
            _ = try await service.policies.create(Self.policy("review", action: Self.requestApproval([alice.user.id])))
            let key = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1")
            let body = Self.hashBody("denied", externalId: "deny-1")
            let pending = try await service.send(.post, "/keys/\(key.id)/signatures", json: body).decode(KeySignature.self)
            let approvalId = try #require(pending.approvalId)
            let decided = try await alice.client(in: sandbox).policies.decide(approvalId, approve: false, reason: "unknown recipient")
            #expect(decided["status"]?.stringValue == "Denied")
            let rejected = try await service.keys.signature(key.id, pending.id)
            #expect(rejected.status == "Rejected")
            #expect(rejected.signature == nil)
            #expect(rejected.reason?.contains("unknown recipient") == true)
            // The externalId stays bound to the rejected request (§15.3).
            let resubmitted = try await service.send(.post, "/keys/\(key.id)/signatures", json: body)
            #expect(resubmitted.status == 200)
            #expect(try resubmitted.decode(KeySignature.self).status == "Rejected")
            #expect(try await sandbox.count("signature") == 1)
        }
    }

    @Test func aBlockPolicyRefusesWith403AndRecordsTheRejection() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            _ = try await service.policies.create(Self.policy("no signing", action: Self.block))
            let key = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1")
            let error = await apiError { try await service.keys.sign(key.id, .hash(testDigest("blocked"))) }
            #expect(error?.status == 403)
            #expect(error?.message?.contains("blocked by policy 'no signing'") == true, "\(error?.message ?? "")")
            #expect(try await sandbox.count("signature", where: "status = 'Rejected' AND signature IS NULL") == 1)
            #expect(try await sandbox.count("approval") == 0)
        }
    }

    @Test func transactionAmountLimitFailsClosedWithoutAnAmount() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            _ = try await service.policies.create(Self.policy("limit", rule: Self.amountLimit("100"), action: Self.block))
            let key = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1")
            let error = await apiError { try await service.keys.sign(key.id, .hash(testDigest("no amount"))) }
            #expect(error?.status == 403)
            #expect(error?.message?.contains("cannot be evaluated") == true, "\(error?.message ?? "")")
            #expect(error?.message?.contains("fails closed") == true)

            // A transfer carries an amount: below the limit it passes, above it is blocked.
            let wallet = try await service.wallets.create(network: "EthereumSepolia")
            let small = try await service.wallets.transfer(wallet.id, TransferTests.native("0x1", "50"))
            #expect(small.entity["status"]?.stringValue == "Pending")
            let large = await apiError { try await service.wallets.transfer(wallet.id, TransferTests.native("0x1", "150")) }
            #expect(large?.status == 403)
            #expect(large?.message?.contains("exceeds the limit") == true)
            #expect(try await sandbox.count("transfer", where: "status = 'Rejected'") == 1)
        }
    }

    @Test func keysDelegatedToAnEndUserBypassThePolicyEngine() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let alice = try await EndUserFixture.create(in: sandbox)
            _ = try await service.policies.create(Self.policy("hold everything", action: Self.requestApproval([sandbox.serviceAccountId])))
            _ = try await service.policies.create(Self.policy("block everything", action: Self.block))
            let delegated = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1", delegateTo: alice.user.id)
            let custodial = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1")

            let signed = try await alice.client(in: sandbox).keys.sign(delegated.id, .hash(testDigest("bypass")))
            #expect(signed.completedEntity?.status == "Signed")
            #expect(await apiError { try await service.keys.sign(custodial.id, .hash(testDigest("custodial"))) }?.status == 403)
            #expect(try await sandbox.count("approval") == 0)
        }
    }

    @Test func walletFiltersLimitWhereAPolicyApplies() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let guarded = try await service.wallets.create(network: "EthereumSepolia")
            let free = try await service.wallets.create(network: "EthereumSepolia")
            _ = try await service.policies.create(Self.policy("guard one wallet", action: Self.block,
                                                              filters: .object([("walletId", .object([("in", .array([.string(guarded.id)]))]))])))
            let blocked = await apiError { try await service.keys.sign(try #require(guarded.signingKey.id), .hash(testDigest("g"))) }
            #expect(blocked?.status == 403)
            let passed = try await service.keys.sign(try #require(free.signingKey.id), .hash(testDigest("f")))
            #expect(passed.completedEntity?.status == "Signed")
        }
    }

    @Test func policiesAreValidatedStrictly() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let alice = try await EndUserFixture.create(in: sandbox)
            let cases: [(JSONValue, String)] = [
                (Self.policy("x", rule: .object([("kind", .string("TransactionRecipientWhitelist")),
                                                   ("configuration", .object([("addresses", .array([]))]))]), action: Self.block),
                 "supported: AlwaysTrigger, TransactionAmountLimit"),
                (.object([("name", .string("x")), ("activityKind", .string("Permissions:Assign")), ("rule", Self.alwaysTrigger),
                          ("action", Self.block)]), "supported: Wallets:Sign"),
                (Self.policy("x", action: .object([("kind", .string("Escalate"))])), "supported: RequestApproval, Block, NoAction"),
                (Self.policy("x", action: Self.requestApproval([alice.user.id], quorum: 2)), "exceeds"),
                (Self.policy("x", action: Self.requestApproval(["us-nobody"])), "us-nobody"),
                (Self.policy("x", rule: Self.amountLimit("-5"), action: Self.block), "limit"),
                (Self.policy("x", action: Self.block, filters: .object([("walletTags", .object([]))])), "walletTags"),
                (Self.policy("x", action: Self.block, filters: .object([("walletId", .object([("in", .array([.string("wa-none")]))]))])), "wa-none"),
                (.object([("name", .string("x")), ("activityKind", .string("Wallets:Sign")), ("rule", Self.alwaysTrigger),
                          ("action", Self.block), ("priority", .number("1"))]), "priority"),
            ]
            for (body, expected) in cases {
                let error = await apiError { try await service.policies.create(body) }
                #expect(error?.status == 400)
                #expect(error?.message?.contains(expected) == true, "\(error?.message ?? "") should name \(expected)")
            }
            let byEndUser = await apiError { try await alice.client(in: sandbox).policies.create(Self.policy("x", action: Self.block)) }
            #expect(byEndUser?.status == 403)
            #expect(try await sandbox.count("policy") == 0)

            // Archiving a policy stops it from triggering.
            let policy = try await service.policies.create(Self.policy("temporary", action: Self.block))
            let key = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1")
            #expect(await apiError { try await service.keys.sign(key.id, .hash(testDigest("1"))) }?.status == 403)
            let archived = try await service.send(.delete, "/v2/policies/\(policy["id"]?.stringValue ?? "")").json()
            #expect(archived["status"]?.stringValue == "Archived")
            #expect(try await service.keys.sign(key.id, .hash(testDigest("2"))).completedEntity?.status == "Signed")
        }
    }

    @Test func policyEventsAreQueuedForWebhooks() async throws {
        try await withSandbox { sandbox in
            try await sandbox.subscribeAllEvents()
            let service = try sandbox.serviceAccountClient()
            let alice = try await EndUserFixture.create(in: sandbox)
            _ = try await service.policies.create(Self.policy("review", action: Self.requestApproval([alice.user.id])))
            let key = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1")
            let outcome = try await service.keys.sign(key.id, .hash(testDigest("events")))
            guard case .pending(_, let approvalId?) = outcome else {
                Issue.record("expected a pending outcome, got \(outcome)")
                return
            }
            _ = try await alice.client(in: sandbox).policies.decide(approvalId, approve: true)
            #expect(try await sandbox.eventKinds() == [
                "key.created", "wallet.signature.requested", "policy.triggered", "policy.approval.pending",
                "policy.approval.resolved", "wallet.signature.signed",
            ])
        }
    }
}

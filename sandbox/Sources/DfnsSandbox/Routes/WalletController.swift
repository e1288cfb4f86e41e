import DfnsEncoding
import GRDB
import Hummingbird

/// The Wallets API (reference/dfns-protocol.md §8): create, list, get, rename, tags, transfers
/// (recorded, never broadcast: ``TransferService``), and the deprecated wallet signature endpoints
/// (signing with the wallet's key, exactly as `POST /keys/{keyId}/signatures`). Who may do what is
/// ``SigningAuthorization``'s to say: a wallet is seen and acted on as its key is.
struct WalletController {
    let services: SandboxServices

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/wallets", use: create)
        router.get("/wallets", use: list)
        router.get("/wallets/:walletId", use: get)
        router.put("/wallets/:walletId", use: update)
        router.put("/wallets/:walletId/tags", use: addTags)
        router.delete("/wallets/:walletId/tags", use: removeTags)
        router.post("/wallets/:walletId/transfers", use: transfer)
        router.get("/wallets/:walletId/transfers", use: listTransfers)
        router.get("/wallets/:walletId/transfers/:transferId", use: getTransfer)
        router.post("/wallets/:walletId/signatures", use: sign)
        router.get("/wallets/:walletId/signatures", use: listSignatures)
        router.get("/wallets/:walletId/signatures/:signatureId", use: getSignature)
    }

    /// Tags: 1 to 100 characters each, at most 100 per wallet.
    static func tags(_ body: JSONRequestBody, required: Bool) throws(SandboxError) -> [String] {
        guard let tags = try body.value.optionalStringArray("tags") else {
            if required { throw .badRequest("tags is required: an array of strings") }
            return []
        }
        guard tags.allSatisfy({ $0.count <= 100 }), tags.count <= 100 else {
            throw .badRequest("tags must be at most 100 strings of at most 100 characters")
        }
        var unique: [String] = []
        for tag in tags where !unique.contains(tag) { unique.append(tag) }
        return unique
    }

    /// `POST /wallets` `{network, name?, delegateTo?, externalId?, tags?}`. An `externalId` makes
    /// it idempotent: the same request again answers the wallet made the first time; another
    /// request with the same `externalId` is a 409.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try context.jsonBody()
        try body.allowOnly(["network", "name", "delegateTo", "externalId", "tags"],
                           unsupported: ["signingKey", "delayDelegation", "validatorId"])
        let network = try body.string("network")
        _ = try WalletFactory.algorithm(forNetwork: network)
        let name = try body.optionalName()
        let delegateTo = try SigningAuthorization.delegateForCreation(principal, requested: try body.optionalString("delegateTo"))
        let externalId = try body.optionalExternalId()
        let tags = try Self.tags(body, required: false)
        let entity = try await services.perform(context) { db -> JSONValue in
            if let externalId,
               let existing = try WalletRecord.filter(Column("orgId") == principal.orgId && Column("externalId") == externalId).fetchOne(db),
               let existingKey = try SigningKeyRecord.fetchOne(db, key: existing.keyId) {
                guard SigningAuthorization.canSee(principal, key: existingKey) else {
                    throw SandboxError.conflict("Conflicting wallet with same externalId")
                }
                let json = WalletFactory.walletJSON(existing, key: existingKey)
                let existingTags = JSONValue.stored(existing.tags).arrayValue?.compactMap(\.stringValue) ?? []
                guard existing.network == network, existing.name == name, existingKey.delegatedTo == delegateTo,
                      existingTags == tags else {
                    throw SandboxError.conflict("Conflicting wallet with same externalId", details: .object([("duplicate", json)]))
                }
                return json
            }
            let (wallet, key) = try WalletFactory.createWallet(db, orgId: principal.orgId, ownerId: principal.userId,
                                                               network: network, name: name, delegateTo: delegateTo,
                                                               externalId: externalId, tags: tags)
            let json = WalletFactory.walletJSON(wallet, key: key)
            try WebhookDispatcher.emit(db, orgId: wallet.orgId, kind: "wallet.created", data: json)
            return json
        }
        return JSONResponse.make(entity)
    }

    /// `GET /wallets`: the organization's wallets for its staff, the wallets delegated to them for
    /// an end user.
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let page = try PageRequest(request)
        let body = try await services.database.writer.read { db -> JSONValue in
            var query = WalletRecord.filter(Column("orgId") == principal.orgId)
            if !SigningAuthorization.isOrganizationStaff(principal) {
                query = query.filter(sql: "keyId IN (SELECT id FROM signingKey WHERE delegatedTo = ?)", arguments: [principal.userId])
            }
            let (wallets, next) = try page.fetch(db, query)
            let keys = try SigningKeyRecord.fetchAll(db, keys: wallets.map(\.keyId))
            let byId = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let items = wallets.compactMap { wallet in byId[wallet.keyId].map { WalletFactory.walletJSON(wallet, key: $0) } }
            return PageRequest.body(items, nextPageToken: next)
        }
        return JSONResponse.make(body)
    }

    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let walletId = try context.parameters.require("walletId")
        let body = try await services.database.writer.read { db -> JSONValue in
            let (wallet, key) = try SigningAuthorization.visibleWallet(db, id: walletId, principal: principal)
            return WalletFactory.walletJSON(wallet, key: key)
        }
        return JSONResponse.make(body)
    }

    /// `PUT /wallets/{walletId}` `{name}`.
    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let walletId = try context.parameters.require("walletId")
        let body = try context.jsonBody()
        try body.allowOnly(["name"])
        guard let name = try body.optionalName() else { throw SandboxError.badRequest("name is required") }
        let entity = try await services.perform(context) { db -> JSONValue in
            var (wallet, key) = try SigningAuthorization.organizationWallet(db, id: walletId, principal: principal)
            try SigningAuthorization.requireControl(principal, key: key, "change its wallets")
            guard wallet.status == "Active" else { throw SandboxError.badRequest("wallet \(walletId) is \(wallet.status)") }
            wallet.name = name
            try wallet.update(db)
            return WalletFactory.walletJSON(wallet, key: key)
        }
        return JSONResponse.make(entity)
    }

    @Sendable func addTags(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await changeTags(request, context: context, adding: true)
    }

    @Sendable func removeTags(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await changeTags(request, context: context, adding: false)
    }

    /// `PUT|DELETE /wallets/{walletId}/tags` `{tags}`: adds or removes tags.
    func changeTags(_ request: Request, context: SandboxRequestContext, adding: Bool) async throws -> Response {
        let principal = try context.requirePrincipal()
        let walletId = try context.parameters.require("walletId")
        let body = try context.jsonBody()
        try body.allowOnly(["tags"])
        let tags = try Self.tags(body, required: true)
        let entity = try await services.perform(context) { db -> JSONValue in
            var (wallet, key) = try SigningAuthorization.organizationWallet(db, id: walletId, principal: principal)
            try SigningAuthorization.requireControl(principal, key: key, "change its wallets")
            var current = JSONValue.stored(wallet.tags).arrayValue?.compactMap(\.stringValue) ?? []
            if adding {
                for tag in tags where !current.contains(tag) { current.append(tag) }
                guard current.count <= 100 else { throw SandboxError.badRequest("a wallet has at most 100 tags") }
            } else {
                current.removeAll(where: tags.contains)
            }
            wallet.tags = JSONWriter.string(.array(current.map { .string($0) }))
            try wallet.update(db)
            let json = WalletFactory.walletJSON(wallet, key: key)
            try WebhookDispatcher.emit(db, orgId: wallet.orgId, kind: "wallet.tags.modified", data: json)
            return json
        }
        return JSONResponse.make(entity)
    }

    /// `POST /wallets/{walletId}/transfers` (``TransferService``).
    @Sendable func transfer(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let walletId = try context.parameters.require("walletId")
        let body = try context.jsonBody()
        let userAction = context.userAction?.record
        let outcome = try await services.perform(context) { db -> RequestOutcome in
            let (wallet, key) = try SigningAuthorization.organizationWallet(db, id: walletId, principal: principal)
            return try TransferService.request(db, principal: principal, userAction: userAction, wallet: wallet, key: key, body: body)
        }
        return try outcome.response()
    }

    @Sendable func listTransfers(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let walletId = try context.parameters.require("walletId")
        let page = try PageRequest(request)
        let body = try await services.database.writer.read { db -> JSONValue in
            let (wallet, _) = try SigningAuthorization.visibleWallet(db, id: walletId, principal: principal)
            let (items, next) = try page.fetch(db, TransferRecord.filter(Column("walletId") == wallet.id))
            return PageRequest.body(items.map { TransferService.json($0, wallet: wallet) }, nextPageToken: next)
        }
        return JSONResponse.make(body)
    }

    @Sendable func getTransfer(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let walletId = try context.parameters.require("walletId")
        let transferId = try context.parameters.require("transferId")
        let body = try await services.database.writer.read { db -> JSONValue in
            let (wallet, _) = try SigningAuthorization.visibleWallet(db, id: walletId, principal: principal)
            guard let transfer = try TransferRecord.fetchOne(db, key: transferId), transfer.walletId == wallet.id else {
                throw SandboxError.notFound("transfer \(transferId)")
            }
            return TransferService.json(transfer, wallet: wallet)
        }
        return JSONResponse.make(body)
    }

    /// `POST /wallets/{walletId}/signatures` (deprecated, §15.1): signs with the wallet's key,
    /// exactly as `POST /keys/{keyId}/signatures`, the signature recording the wallet.
    @Sendable func sign(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let walletId = try context.parameters.require("walletId")
        let body = try context.jsonBody()
        let userAction = context.userAction?.record
        let outcome = try await services.perform(context) { db -> RequestOutcome in
            let (wallet, key) = try SigningAuthorization.organizationWallet(db, id: walletId, principal: principal)
            guard wallet.status == "Active" else { throw SandboxError.badRequest("wallet \(walletId) is \(wallet.status)") }
            return try SignatureService.request(db, principal: principal, userAction: userAction, key: key, wallet: wallet, body: body)
        }
        return try outcome.response()
    }

    /// `GET /wallets/{walletId}/signatures`: every signature by the wallet's key.
    @Sendable func listSignatures(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let walletId = try context.parameters.require("walletId")
        let page = try PageRequest(request)
        let body = try await services.database.writer.read { db -> JSONValue in
            let (_, key) = try SigningAuthorization.visibleWallet(db, id: walletId, principal: principal)
            let (items, next) = try page.fetch(db, SignatureRecord.filter(Column("keyId") == key.id))
            return PageRequest.body(items.map(SignatureService.json), nextPageToken: next)
        }
        return JSONResponse.make(body)
    }

    @Sendable func getSignature(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let walletId = try context.parameters.require("walletId")
        let signatureId = try context.parameters.require("signatureId")
        let body = try await services.database.writer.read { db -> JSONValue in
            let (_, key) = try SigningAuthorization.visibleWallet(db, id: walletId, principal: principal)
            guard let signature = try SignatureRecord.fetchOne(db, key: signatureId), signature.keyId == key.id else {
                throw SandboxError.notFound("signature \(signatureId)")
            }
            return SignatureService.json(signature)
        }
        return JSONResponse.make(body)
    }
}

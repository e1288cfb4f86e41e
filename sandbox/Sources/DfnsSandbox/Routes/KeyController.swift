import DfnsEncoding
import GRDB
import Hummingbird

/// The Keys API (reference/dfns-protocol.md §8.1, §15.1): create, list, get, rename, archive,
/// delegate, and signatures. Who may do what is ``SigningAuthorization``'s to say.
struct KeyController {
    let services: SandboxServices

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/keys", use: create)
        router.get("/keys", use: list)
        router.get("/keys/:keyId", use: get)
        router.put("/keys/:keyId", use: update)
        router.delete("/keys/:keyId", use: archive)
        router.post("/keys/:keyId/delegate", use: delegate)
        router.post("/keys/:keyId/signatures", use: sign)
        router.get("/keys/:keyId/signatures", use: listSignatures)
        router.get("/keys/:keyId/signatures/:signatureId", use: getSignature)
    }

    /// `POST /keys` `{scheme, curve, name?, delegateTo?, externalId?}`. An `externalId` makes it
    /// idempotent: the same request again answers the key made the first time; another request
    /// with the same `externalId` is a 409.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try context.jsonBody()
        try body.allowOnly(["scheme", "curve", "name", "delegateTo", "externalId"],
                           unsupported: ["masterKey", "deriveFrom", "storeId", "delayDelegation"])
        let algorithm = try KeyVault.Algorithm(scheme: try body.string("scheme"), curve: try body.string("curve"))
        let name = try body.optionalName()
        let delegateTo = try SigningAuthorization.delegateForCreation(principal, requested: try body.optionalString("delegateTo"))
        let externalId = try body.optionalExternalId()
        let entity = try await services.perform(context) { db -> JSONValue in
            if let externalId,
               let existing = try SigningKeyRecord.filter(Column("orgId") == principal.orgId && Column("externalId") == externalId).fetchOne(db) {
                guard SigningAuthorization.canSee(principal, key: existing) else {
                    throw SandboxError.conflict("Conflicting key with same externalId")
                }
                let json = WalletFactory.keyJSON(existing)
                guard existing.scheme == algorithm.scheme, existing.curve == algorithm.curve, existing.name == name,
                      existing.delegatedTo == delegateTo else {
                    throw SandboxError.conflict("Conflicting key with same externalId", details: .object([("duplicate", json)]))
                }
                return json
            }
            let key = try WalletFactory.createKey(db, orgId: principal.orgId, ownerId: principal.userId, algorithm: algorithm,
                                                  name: name, delegateTo: delegateTo, externalId: externalId)
            let json = WalletFactory.keyJSON(key)
            try WebhookDispatcher.emit(db, orgId: key.orgId, kind: "key.created", data: json)
            return json
        }
        return JSONResponse.make(entity)
    }

    /// `GET /keys`: the organization's keys for its staff, the keys delegated to them for an end user.
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let page = try PageRequest(request)
        let body = try await services.database.writer.read { db -> JSONValue in
            var query = SigningKeyRecord.filter(Column("orgId") == principal.orgId)
            if !SigningAuthorization.isOrganizationStaff(principal) {
                query = query.filter(Column("delegatedTo") == principal.userId)
            }
            let (keys, next) = try page.fetch(db, query)
            return PageRequest.body(keys.map(WalletFactory.keyJSON), nextPageToken: next)
        }
        return JSONResponse.make(body)
    }

    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let keyId = try context.parameters.require("keyId")
        let key = try await services.database.writer.read { db in
            try SigningAuthorization.visibleKey(db, id: keyId, principal: principal)
        }
        return JSONResponse.make(WalletFactory.keyJSON(key))
    }

    /// `PUT /keys/{keyId}` `{name}`.
    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let keyId = try context.parameters.require("keyId")
        let body = try context.jsonBody()
        try body.allowOnly(["name"])
        guard let name = try body.optionalName() else { throw SandboxError.badRequest("name is required") }
        let entity = try await services.perform(context) { db -> JSONValue in
            var key = try SigningAuthorization.organizationKey(db, id: keyId, principal: principal)
            try SigningAuthorization.requireControl(principal, key: key, "change it")
            guard key.status == "Active" else { throw SandboxError.badRequest("key \(keyId) is \(key.status)") }
            key.name = name
            try key.update(db)
            return WalletFactory.keyJSON(key)
        }
        return JSONResponse.make(entity)
    }

    /// `DELETE /keys/{keyId}`: the key (and the wallets over it) become `Archived` and sign no
    /// more; its requests still waiting for approval are rejected.
    @Sendable func archive(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let keyId = try context.parameters.require("keyId")
        let entity = try await services.perform(context) { db -> JSONValue in
            var key = try SigningAuthorization.organizationKey(db, id: keyId, principal: principal)
            try SigningAuthorization.requireControl(principal, key: key, "archive it")
            guard key.status == "Active" else { throw SandboxError.badRequest("key \(keyId) is already \(key.status)") }
            key.status = "Archived"
            try key.update(db)
            try db.execute(sql: "UPDATE wallet SET status = 'Archived' WHERE keyId = ?", arguments: [key.id])
            try SignatureService.rejectPending(db, keyId: key.id, reason: "key \(key.id) was archived while the request waited for approval")
            let json = WalletFactory.keyJSON(key)
            try WebhookDispatcher.emit(db, orgId: key.orgId, kind: "key.deleted", data: json)
            return json
        }
        return JSONResponse.make(entity)
    }

    /// `POST /keys/{keyId}/delegate` `{delegateTo}`: hands a custodial key to an end user for good
    /// (``SigningAuthorization/authorizeDelegation(_:key:)``). Requests of the organization still
    /// waiting for approval on it are rejected: the organization no longer signs with it.
    @Sendable func delegate(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let keyId = try context.parameters.require("keyId")
        let body = try context.jsonBody()
        try body.allowOnly(["delegateTo"])
        let delegateTo = try body.string("delegateTo")
        let entity = try await services.perform(context) { db -> JSONValue in
            var key = try SigningAuthorization.organizationKey(db, id: keyId, principal: principal)
            try SigningAuthorization.authorizeDelegation(principal, key: key)
            try WalletFactory.checkDelegate(db, userId: delegateTo, orgId: principal.orgId)
            key.delegatedTo = delegateTo
            try key.update(db)
            try SignatureService.rejectPending(db, keyId: key.id, reason: "key \(key.id) was delegated to an end user while the request waited for approval")
            let json = WalletFactory.keyJSON(key)
            try WebhookDispatcher.emit(db, orgId: key.orgId, kind: "key.delegated", data: json)
            return json
        }
        return JSONResponse.make(entity)
    }

    /// `POST /keys/{keyId}/signatures` (``SignatureService``): 200 signed (or the existing entity
    /// of a resubmission), 202 held by a policy, 403 blocked by one.
    @Sendable func sign(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let keyId = try context.parameters.require("keyId")
        let body = try context.jsonBody()
        let userAction = context.userAction?.record
        let outcome = try await services.perform(context) { db -> RequestOutcome in
            let key = try SigningAuthorization.organizationKey(db, id: keyId, principal: principal)
            return try SignatureService.request(db, principal: principal, userAction: userAction, key: key, wallet: nil, body: body)
        }
        return try outcome.response()
    }

    @Sendable func listSignatures(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let keyId = try context.parameters.require("keyId")
        let page = try PageRequest(request)
        let body = try await services.database.writer.read { db -> JSONValue in
            let key = try SigningAuthorization.visibleKey(db, id: keyId, principal: principal)
            let (items, next) = try page.fetch(db, SignatureRecord.filter(Column("keyId") == key.id))
            return PageRequest.body(items.map(SignatureService.json), nextPageToken: next)
        }
        return JSONResponse.make(body)
    }

    @Sendable func getSignature(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let keyId = try context.parameters.require("keyId")
        let signatureId = try context.parameters.require("signatureId")
        let body = try await services.database.writer.read { db -> JSONValue in
            let key = try SigningAuthorization.visibleKey(db, id: keyId, principal: principal)
            guard let signature = try SignatureRecord.fetchOne(db, key: signatureId), signature.keyId == key.id else {
                throw SandboxError.notFound("signature \(signatureId)")
            }
            return SignatureService.json(signature)
        }
        return JSONResponse.make(body)
    }
}

extension RequestOutcome {
    /// The HTTP answer: 200, 202 (held by a policy), or the refusal.
    func response() throws -> Response {
        switch self {
        case .done(let entity): return JSONResponse.make(entity)
        case .pendingApproval(let entity): return JSONResponse.make(entity, status: .accepted)
        case .refused(let error): throw error
        }
    }
}

import DfnsEncoding
import GRDB
import Hummingbird

/// Delegated registration of end users (reference/dfns-protocol.md §3.2): a service account
/// creates the user and a registration challenge with a temporary token; the user's device
/// completes it with `POST /auth/registration` or, creating wallets delegated to the user in the
/// same transaction, `POST /auth/registration/enduser`.
///
/// Not served: `POST /auth/registration/init`, `PUT /auth/registration/code` (the invited-employee
/// flow needs registration codes sent by e-mail) and `POST /auth/registration/social` (OIDC).
struct RegistrationController {
    let services: SandboxServices

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/auth/registration/delegated", use: delegated)
        // TS 0.5.8's restart of an interrupted delegated registration: the same request.
        router.post("/auth/registration/delegated/restart", use: delegated)
        router.post("/auth/registration", use: complete)
        router.post("/auth/registration/enduser", use: completeEndUser)
    }

    /// Most wallets one registration may create.
    static let maxWallets = 16

    /// `POST /auth/registration/delegated` (and `/delegated/restart`) `{email, kind:"EndUser",
    /// externalId?}`. An e-mail whose registration never completed gets a new challenge (the
    /// earlier one is abandoned).
    @Sendable func delegated(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try AuthSupport.requireServiceAccount(principal, to: "register end users")
        let body = try context.jsonBody()
        let email = try body.string("email").trimmingCharacters(in: .whitespaces)
        let kind = try body.string("kind")
        let externalId = try body.optionalString("externalId")
        guard kind == User.endUser else {
            throw SandboxError.badRequest("kind must be EndUser: delegated registration creates end users (found \(kind))")
        }
        try AuthSupport.checkEmail(email)
        let services = self.services
        let ttl = services.configuration.challengeTTL
        let answer = try await services.perform(context) { db -> JSONValue in
            let organization = try services.organization(principal.orgId, db)
            var user: User
            if let existing = try AuthSupport.user(db, orgId: principal.orgId, username: email) {
                guard existing.kind == User.endUser, !existing.isRegistered else { throw AuthSupport.userExists(email) }
                try AuthSupport.abandonCeremonies(db, userId: existing.id, purpose: ChallengePurpose.registration)
                user = existing
                if let externalId, externalId != existing.externalId {
                    user.externalId = externalId
                    try user.update(db)
                }
            } else {
                user = User(id: Identifiers.make("us"), orgId: principal.orgId, username: email, kind: User.endUser,
                            isActive: true, isRegistered: false, externalId: externalId, dateCreated: SandboxClock.iso8601())
                try user.insert(db)
            }
            let token = try TokenMinter.mint(db, services: services, user: user, kind: TokenKind.temporary, ttl: ttl,
                                             purpose: ChallengePurpose.registration)
            let challenge = try ChallengeIssuer.issue(
                db, orgId: user.orgId, userId: user.id, purpose: ChallengePurpose.registration, ttl: ttl,
                detail: .object([
                    ("temporaryTokenId", .string(try AuthSupport.tokenId(of: token, services: services))),
                    ("initiatorId", .string(principal.userId)),
                ]))
            return ChallengeIssuer.creationChallengeBody(challenge, user: user, organization: organization, existing: [],
                                                         extra: [("temporaryAuthenticationToken", .string(token))])
        }
        return JSONResponse.make(answer)
    }

    /// `POST /auth/registration` (temporary token) `{firstFactorCredential, recoveryCredential?}`.
    @Sendable func complete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await finish(context, withWallets: false)
    }

    /// `POST /auth/registration/enduser` (temporary token) `{…, wallets:[{network, name?}]}`.
    @Sendable func completeEndUser(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await finish(context, withWallets: true)
    }

    private func finish(_ context: SandboxRequestContext, withWallets: Bool) async throws -> Response {
        let principal = try context.requirePrincipal()   // the Registration temporary token (middleware)
        let body = try context.jsonBody()
        let firstFactor = try body.object("firstFactorCredential")
        if try body.optionalObject("secondFactorCredential") != nil {
            throw SandboxError.badRequest("secondFactorCredential is not supported by the sandbox (register one first factor, and a recovery credential)")
        }
        let recovery = try body.optionalObject("recoveryCredential")
        let wallets = withWallets ? try Self.walletSpecs(body) : []
        if !withWallets {
            try body.rejectMembers(["wallets"], "is taken by POST /auth/registration/enduser, not POST /auth/registration")
        }
        guard !principal.user.isRegistered else { throw AuthSupport.userExists(principal.user.username) }

        let services = self.services
        let (challenge, organization) = try await services.database.writer.read { db in
            (try AuthSupport.ceremonyChallenge(db, purpose: ChallengePurpose.registration, token: principal.token),
             try services.organization(principal.orgId, db))
        }
        // Verified outside the write transaction (the expensive part); the challenge and the
        // temporary token are then spent conditionally, so a concurrent completion loses.
        let checker = AttestationChecker(organization: organization)
        let first = try checker.verify(firstFactor, field: "firstFactorCredential", challenge: challenge.challenge,
                                       userId: principal.userId, allowedKinds: AuthSupport.firstFactorKinds)
        let recoveryCredential = try recovery.map { item throws(SandboxError) in
            try checker.verify(item, field: "recoveryCredential", challenge: challenge.challenge,
                               userId: principal.userId, allowedKinds: [CredentialKind.recoveryKey])
        }
        try AuthSupport.checkDistinct([first] + (recoveryCredential.map { [$0] } ?? []))
        let initiatorId = AuthSupport.detail(challenge)["initiatorId"]?.stringValue
        if withWallets, !wallets.isEmpty, initiatorId == nil {
            throw SandboxError.internalError("the registration challenge does not name the service account that started it")
        }

        let loginTTL = services.configuration.loginTokenTTL
        let answer = try await services.perform(context) { db -> JSONValue in
            try AuthSupport.spendTemporaryToken(db, principal.token)
            try ChallengeIssuer.consume(db, identifier: challenge.id)
            guard var user = try User.fetchOne(db, key: principal.userId), !user.isRegistered else {
                throw AuthSupport.userExists(principal.user.username)
            }
            user.isRegistered = true
            try user.update(db)
            try AuthSupport.insertNew(db, first)
            if let recoveryCredential { try AuthSupport.insertNew(db, recoveryCredential) }
            var members: [(String, JSONValue)] = [
                ("credential", AuthSupport.credentialSummary(first)),
                ("user", AuthSupport.registeredUserJSON(user)),
            ]
            guard withWallets else { return .object(members) }
            let token = try TokenMinter.mint(db, services: services, user: user, kind: TokenKind.login, ttl: loginTTL)
            var created: [JSONValue] = []
            for spec in wallets {
                let (wallet, key) = try WalletFactory.createWallet(
                    db, orgId: user.orgId, ownerId: initiatorId ?? "", network: spec.network, name: spec.name,
                    delegateTo: user.id, externalId: nil, tags: [])
                let json = WalletFactory.walletJSON(wallet, key: key)
                try WebhookDispatcher.emit(db, orgId: user.orgId, kind: "wallet.created", data: json)
                created.append(json)
            }
            members.append(("authentication", .object([("token", .string(token))])))
            members.append(("wallets", .array(created)))
            return .object(members)
        }
        return JSONResponse.make(answer)
    }

    /// `wallets:[{network, name?}]`, each network one the sandbox knows.
    static func walletSpecs(_ body: JSONRequestBody) throws(SandboxError) -> [(network: String, name: String?)] {
        guard let items = try body.optionalArray("wallets") else { return [] }
        guard items.count <= maxWallets else {
            throw .badRequest("wallets may list at most \(maxWallets) wallets, found \(items.count)")
        }
        var specs: [(network: String, name: String?)] = []
        for (index, item) in items.enumerated() {
            guard case .object = item else { throw .badRequest("wallets[\(index)] must be an object, found \(item.typeName)") }
            let network = try item.requiredString("network", in: "wallets[\(index)]")
            _ = try WalletFactory.algorithm(forNetwork: network)
            specs.append((network, try item.optionalString("name", in: "wallets[\(index)]")))
        }
        return specs
    }
}

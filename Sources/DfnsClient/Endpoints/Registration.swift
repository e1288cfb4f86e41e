import DfnsEncoding
import DfnsProtocol

/// Registration (reference/dfns-protocol.md §3): the invited-user flow, delegated registration of
/// end users by a service account, and end-user registration with wallets.
public struct RegistrationAPI: Sendable {
    let client: DfnsAPIClient

    /// `POST /auth/registration/delegated` (service account, user action): registers end user
    /// `email` and answers the registration challenge (with its `temporaryAuthenticationToken`) to
    /// hand to the user's device.
    public func delegated(email: String, kind: String = "EndUser", externalId: String? = nil) async throws(DfnsError) -> JSONValue {
        var members: [(String, JSONValue)] = [("email", .string(email)), ("kind", .string(kind))]
        if let externalId { members.append(("externalId", .string(externalId))) }
        return try await client.send(.post, "/auth/registration/delegated", json: .object(members)).json()
    }

    /// `POST /auth/registration/init` (no authentication): the challenge for an invited user.
    public func initialize(orgId: String, username: String, registrationCode: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/auth/registration/init", json: .object([
            ("orgId", .string(orgId)), ("username", .string(username)), ("registrationCode", .string(registrationCode)),
        ])).json()
    }

    /// `POST /auth/registration` with the challenge's temporary token: the new credentials
    /// (`{"credentialKind":…,"credentialInfo":…}` objects, e.g. a Key attestation or a Fido2
    /// attestation made from the challenge).
    public func complete(temporaryAuthenticationToken: String, firstFactorCredential: JSONValue,
                         secondFactorCredential: JSONValue? = nil, recoveryCredential: JSONValue? = nil) async throws(DfnsError) -> JSONValue {
        try await client.withAuthToken(temporaryAuthenticationToken).send(
            .post, "/auth/registration",
            json: credentials(firstFactorCredential, secondFactorCredential, recoveryCredential)).json()
    }

    /// `POST /auth/registration/enduser` with the temporary token: registers the end user's
    /// credentials and creates `wallets` (each `(network, name?)`) delegated to them in the same
    /// call; the answer carries the user, the wallets and an authentication token.
    public func completeEndUser(temporaryAuthenticationToken: String, firstFactorCredential: JSONValue,
                                secondFactorCredential: JSONValue? = nil, recoveryCredential: JSONValue? = nil,
                                wallets: [(network: String, name: String?)]) async throws(DfnsError) -> JSONValue {
        guard case .object(var members) = credentials(firstFactorCredential, secondFactorCredential, recoveryCredential) else {
            throw .invalidArgument("credentials must be JSON objects")
        }
        members.append(("wallets", .array(wallets.map { wallet in
            var spec: [(String, JSONValue)] = [("network", .string(wallet.network))]
            if let name = wallet.name { spec.append(("name", .string(name))) }
            return .object(spec)
        })))
        return try await client.withAuthToken(temporaryAuthenticationToken).send(
            .post, "/auth/registration/enduser", json: .object(members)).json()
    }

    private func credentials(_ first: JSONValue, _ second: JSONValue?, _ recovery: JSONValue?) -> JSONValue {
        var members: [(String, JSONValue)] = [("firstFactorCredential", first)]
        if let second { members.append(("secondFactorCredential", second)) }
        if let recovery { members.append(("recoveryCredential", recovery)) }
        return .object(members)
    }
}

/// Login (reference/dfns-protocol.md §4).
public struct LoginAPI: Sendable {
    let client: DfnsAPIClient

    /// `POST /auth/login/init` (no authentication): the login challenge (same shape as a user-action
    /// challenge).
    public func initialize(orgId: String, username: String? = nil) async throws(DfnsError) -> UserActionChallenge {
        var members: [(String, JSONValue)] = []
        if let username { members.append(("username", .string(username))) }
        members.append(("orgId", .string(orgId)))
        return try await client.send(.post, "/auth/login/init", json: .object(members)).decode(UserActionChallenge.self)
    }

    /// `POST /auth/login` (no authentication): the signed challenge for a token (`key.get` or
    /// `webauthn.get` assertions).
    public func complete(challengeIdentifier: String, firstFactor: JSONValue, secondFactor: JSONValue? = nil) async throws(DfnsError) -> String {
        let body = UserActionSignatureRequest(challengeIdentifier: challengeIdentifier, firstFactor: firstFactor,
                                              secondFactor: secondFactor).jsonValue
        return try await client.send(.post, "/auth/login", json: body).decode(TokenAnswer.self).token
    }

    /// Login with the client's own signer: init, sign, complete.
    public func login(orgId: String, username: String? = nil) async throws(DfnsError) -> String {
        guard let signer = client.signer else { throw .signerRequired(method: "POST", path: "/auth/login") }
        let challenge = try await initialize(orgId: orgId, username: username)
        let firstFactor = try await DfnsAPIClient.sign(challenge, with: signer)
        return try await complete(challengeIdentifier: challenge.challengeIdentifier, firstFactor: firstFactor)
    }

    /// `POST /auth/login/delegated` (service account, user action): a token for end user
    /// `username`, which reads only until each write is signed by the user's own credential.
    public func delegated(username: String) async throws(DfnsError) -> String {
        try await client.send(.post, "/auth/login/delegated", json: .object([("username", .string(username))]))
            .decode(TokenAnswer.self).token
    }

    /// `PUT /auth/logout`.
    public func logout(allSessions: Bool = false) async throws(DfnsError) {
        _ = try await client.send(.put, "/auth/logout", json: .object([("allSessions", .bool(allSessions))]))
    }
}

/// `{"token":…}`.
struct TokenAnswer: Decodable {
    let token: String
}

extension DfnsAPIClient {
    /// Registration endpoints.
    public var registration: RegistrationAPI { RegistrationAPI(client: self) }
    /// Login endpoints.
    public var login: LoginAPI { LoginAPI(client: self) }
}

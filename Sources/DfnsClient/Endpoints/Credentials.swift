import DfnsEncoding
import DfnsProtocol

/// Credential management (reference/dfns-protocol.md §5), including the multi-device flow.
public struct CredentialsAPI: Sendable {
    let client: DfnsAPIClient

    /// `GET /auth/credentials`: the caller's credentials (`{"items":[…]}`).
    public func list() async throws(DfnsError) -> JSONValue {
        try await client.send(.get, "/auth/credentials").json()
    }

    /// `POST /auth/credentials/init` (bearer only): the challenge to create a credential of `kind`
    /// (`Fido2`, `Key`, `PasswordProtectedKey`, `RecoveryKey`, `Password`, `Totp`).
    public func initialize(kind: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/auth/credentials/init", json: .object([("kind", .string(kind))])).json()
    }

    /// `POST /auth/credentials` (user action signed by an existing credential): `credential` is
    /// `{"credentialKind","credentialInfo","credentialName","challengeIdentifier"[,"encryptedPrivateKey"]}`.
    public func create(_ credential: JSONValue) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/auth/credentials", json: credential).json()
    }

    /// The multi-device flow, step 4 (docs FAQ): the user action for creating `credential` (signed
    /// by the new device over the challenge of ``initialize(kind:)``) is initialised here and its
    /// challenge goes to a device that already holds a credential; complete with
    /// ``DfnsAPIClient/delegatedComplete(_:firstFactor:secondFactor:)``.
    public func createDelegated(_ credential: JSONValue) async throws(DfnsError) -> DelegatedRequest {
        try await client.delegatedInit(.post, "/auth/credentials", body: JSONWriter.bytes(credential))
    }

    /// `POST /auth/credentials/code` (user action): a one-time code for creating a credential
    /// from another app, valid until `expiration` (ISO 8601).
    public func createCode(expiration: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/auth/credentials/code", json: .object([("expiration", .string(expiration))])).json()
    }

    /// `POST /auth/credentials/code/init` (no authentication).
    public func initializeWithCode(kind: String, code: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/auth/credentials/code/init",
                              json: .object([("credentialKind", .string(kind)), ("code", .string(code))])).json()
    }

    /// `POST /auth/credentials/code/verify` (no authentication): same body as ``create(_:)``.
    public func createWithCode(_ credential: JSONValue) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/auth/credentials/code/verify", json: credential).json()
    }

    /// `PUT /auth/credentials/activate` (user action).
    public func activate(credentialUuid: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.put, "/auth/credentials/activate", json: .object([("credentialUuid", .string(credentialUuid))])).json()
    }

    /// `PUT /auth/credentials/deactivate` (user action).
    public func deactivate(credentialUuid: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.put, "/auth/credentials/deactivate", json: .object([("credentialUuid", .string(credentialUuid))])).json()
    }
}

/// Account recovery (reference/dfns-protocol.md §6).
public struct RecoveryAPI: Sendable {
    let client: DfnsAPIClient

    /// `POST /auth/recover/user/code` (no authentication): e-mails a verification code.
    public func sendCode(username: String, orgId: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/auth/recover/user/code",
                              json: .object([("username", .string(username)), ("orgId", .string(orgId))])).json()
    }

    /// `POST /auth/recover/user/init` (no authentication): the recovery challenge, with
    /// `allowedRecoveryCredentials` and a temporary token.
    public func initialize(username: String, verificationCode: String, orgId: String, credentialId: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/auth/recover/user/init", json: .object([
            ("username", .string(username)), ("verificationCode", .string(verificationCode)),
            ("orgId", .string(orgId)), ("credentialId", .string(credentialId)),
        ])).json()
    }

    /// `POST /auth/recover/user/delegated` (service account, user action): the same challenge
    /// without the e-mail code.
    public func delegated(username: String, credentialId: String) async throws(DfnsError) -> JSONValue {
        try await client.send(.post, "/auth/recover/user/delegated",
                              json: .object([("username", .string(username)), ("credentialId", .string(credentialId))])).json()
    }

    /// `POST /auth/recover/user` with the temporary token: `recovery` is the RecoveryKey assertion
    /// over base64url(the compact JSON of `newCredentials`), `newCredentials` the
    /// `{"firstFactorCredential",…}` object attested against the server challenge.
    public func complete(temporaryAuthenticationToken: String, recovery: JSONValue, newCredentials: JSONValue) async throws(DfnsError) -> JSONValue {
        try await client.withAuthToken(temporaryAuthenticationToken).send(
            .post, "/auth/recover/user", json: .object([("recovery", recovery), ("newCredentials", newCredentials)])).json()
    }

    /// The challenge a recovery assertion signs: base64url of the compact JSON of `newCredentials`
    /// (reference/dfns-protocol.md §6), written once so the bytes signed are the bytes sent.
    public static func recoveryChallenge(for newCredentials: JSONValue) -> String {
        Base64URL.encode(JSONWriter.bytes(newCredentials))
    }
}

extension DfnsAPIClient {
    /// Credential endpoints.
    public var credentials: CredentialsAPI { CredentialsAPI(client: self) }
    /// Recovery endpoints.
    public var recovery: RecoveryAPI { RecoveryAPI(client: self) }
}

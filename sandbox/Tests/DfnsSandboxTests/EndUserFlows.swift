import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import DfnsWebAuthn
import Foundation
import GRDB
import Testing

/// An end user registered through the API (delegated registration by the bootstrap service
/// account), with a passkey on its own software authenticator and, when asked, a recovery
/// credential whose code the test keeps.
struct AuthEndUser {
    let username: String
    let userId: String
    let authenticator: SoftwareAuthenticator
    let passkey: WebAuthnSigner
    /// The passkey's credential uuid in the sandbox.
    let passkeyUuid: String
    let recoveryCode: RecoveryCode?
    let recoveryCredId: String?
    /// What `POST /auth/registration[/enduser]` answered.
    let answer: JSONValue

    /// A client with `token` whose user actions the passkey signs.
    func client(_ sandbox: TestSandbox, token: String) throws -> DfnsAPIClient {
        try sandbox.client(token: token, signer: passkey)
    }

    /// Logs in with the passkey and answers the login token.
    func login(_ sandbox: TestSandbox) async throws -> String {
        try await sandbox.client(token: nil, signer: passkey).login.login(orgId: sandbox.orgId, username: username)
    }
}

/// The registration and sign-in steps the authentication tests share, each done as a client and an
/// end-user device would do them: the library's client over libcurl, its real signers.
enum AuthFlows {
    /// A fresh e-mail address.
    static func username(_ tag: String = "user") -> String {
        "\(tag)-\(UUID().uuidString.prefix(8).lowercased())@example.com"
    }

    /// `POST /auth/registration/delegated` by the bootstrap service account: the challenge and its
    /// temporary token.
    static func delegatedChallenge(_ sandbox: TestSandbox, username: String) async throws -> (challenge: JSONValue, temporaryToken: String) {
        let challenge = try await sandbox.serviceAccountClient().registration.delegated(email: username)
        let token = try #require(challenge["temporaryAuthenticationToken"]?.stringValue)
        return (challenge, token)
    }

    /// A passkey attestation made by `authenticator` for a creation challenge, at the sandbox's
    /// relying party (or another `origin`).
    static func passkey(_ sandbox: TestSandbox, challenge: JSONValue, on authenticator: SoftwareAuthenticator,
                        origin: String? = nil, name: String? = "passkey") throws -> Fido2Attestation {
        try Fido2Attestation(challenge: challenge, authenticator: authenticator, rpId: sandbox.rpId,
                             origin: origin ?? sandbox.origin, credentialName: name)
    }

    /// The `challenge` string of a challenge document.
    static func text(_ challenge: JSONValue) throws -> String {
        try #require(challenge["challenge"]?.stringValue)
    }

    /// Registers `username` end to end: delegated challenge, a passkey (and a recovery key), then
    /// `POST /auth/registration`, or `/auth/registration/enduser` with `wallets`.
    static func register(_ sandbox: TestSandbox, username: String = AuthFlows.username(), withRecovery: Bool = true,
                         wallets: [(network: String, name: String?)]? = nil) async throws -> AuthEndUser {
        let (challenge, token) = try await delegatedChallenge(sandbox, username: username)
        let authenticator = SoftwareAuthenticator()
        let attestation = try passkey(sandbox, challenge: challenge, on: authenticator)
        var recoveryCode: RecoveryCode?
        var recoveryCredential: JSONValue?
        var recoveryCredId: String?
        if withRecovery {
            let created = try RecoveryKey.createCredential(challenge: try text(challenge), username: username, credentialName: "recovery")
            recoveryCode = created.recoveryCode
            recoveryCredential = created.attestation.jsonValue
            recoveryCredId = created.attestation.credentialId
        }
        let registration = try sandbox.client(token: nil, signer: nil).registration
        let answer: JSONValue
        if let wallets {
            answer = try await registration.completeEndUser(temporaryAuthenticationToken: token, firstFactorCredential: attestation.jsonValue,
                                                            recoveryCredential: recoveryCredential, wallets: wallets)
        } else {
            answer = try await registration.complete(temporaryAuthenticationToken: token, firstFactorCredential: attestation.jsonValue,
                                                     recoveryCredential: recoveryCredential)
        }
        return AuthEndUser(username: username, userId: try #require(answer["user"]?["id"]?.stringValue),
                           authenticator: authenticator, passkey: try attestation.signer(on: authenticator),
                           passkeyUuid: try #require(answer["credential"]?["uuid"]?.stringValue),
                           recoveryCode: recoveryCode, recoveryCredId: recoveryCredId, answer: answer)
    }

    /// `body` (an object) with `members` appended.
    static func adding(_ members: [(String, JSONValue)], to body: JSONValue) throws -> JSONValue {
        guard case .object(let existing) = body else { throw DfnsError.invalidArgument("not an object") }
        return .object(existing + members)
    }

    /// A new Key credential for `user` through `POST /auth/credentials/init` and `POST
    /// /auth/credentials` with `client` (whose signer signs the user action).
    static func addKeyCredential(_ client: DfnsAPIClient, name: String = "laptop key") async throws -> (key: KeyCredential, answer: JSONValue) {
        let challenge = try await client.credentials.initialize(kind: "Key")
        let key = try KeyCredential.generate(.p256)
        let attestation = try KeyAttestation(credential: key, challenge: try text(challenge), credentialName: name)
        let body = try adding([("challengeIdentifier", try #require(challenge["challengeIdentifier"]))], to: attestation.jsonValue)
        return (key, try await client.credentials.create(body))
    }

    /// A `POST /auth/action/init` + `POST /auth/action` round trip for `POST /auth/credentials/code`,
    /// signed by `factor` (built from the challenge by the caller): the user-action token, or the
    /// server's refusal.
    static func userActionToken(_ client: DfnsAPIClient, sign factor: (UserActionChallenge) throws -> JSONValue) async throws -> String {
        let body = JSONWriter.bytes(.object([("expiration", .string(SandboxClock.iso8601(SandboxClock.now() + 60)))]))
        let challenge = try await client.userActionChallenge(method: .post, canonicalPath: "/auth/credentials/code", body: body)
        return try await client.userActionToken(challengeIdentifier: challenge.challengeIdentifier, firstFactor: try factor(challenge))
    }

    /// The outcome of `body`, success or error.
    static func attempt<T: Sendable>(_ body: @Sendable () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    /// A signed user action that changes nothing but a one-time code: `POST /auth/credentials/code`.
    @discardableResult
    static func signedAction(_ client: DfnsAPIClient) async throws -> JSONValue {
        try await client.credentials.createCode(expiration: SandboxClock.iso8601(SandboxClock.now() + 60))
    }
}

/// Runs `operation`, which must be refused by the sandbox with `status` and a message containing
/// `fragment`; answers the error.
@discardableResult
func authRefusal<T>(_ status: Int, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
                    _ operation: () async throws -> T) async -> APIError? {
    do {
        _ = try await operation()
        Issue.record("expected HTTP \(status) (\(fragment)), but the request succeeded", sourceLocation: sourceLocation)
        return nil
    } catch DfnsError.api(let error) {
        #expect(error.status == status, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message?.contains(fragment) == true, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected HTTP \(status) (\(fragment)), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Row counts of the tables the authentication endpoints write, to show a refused request changed
/// nothing.
struct AuthState: Equatable, CustomStringConvertible {
    var users = 0
    var registeredUsers = 0
    var credentials = 0
    var activeCredentials = 0
    var tokens = 0
    var activeTokens = 0
    var usedChallenges = 0
    var audit = 0
    var wallets = 0

    static func of(_ sandbox: TestSandbox) async throws -> AuthState {
        try await sandbox.read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return AuthState(
                users: try count("SELECT COUNT(*) FROM user"),
                registeredUsers: try count("SELECT COUNT(*) FROM user WHERE isRegistered = 1"),
                credentials: try count("SELECT COUNT(*) FROM credential"),
                activeCredentials: try count("SELECT COUNT(*) FROM credential WHERE isActive = 1"),
                tokens: try count("SELECT COUNT(*) FROM token"),
                activeTokens: try count("SELECT COUNT(*) FROM token WHERE isActive = 1"),
                usedChallenges: try count("SELECT COUNT(*) FROM challenge WHERE usedAt IS NOT NULL AND purpose <> 'UserAction'"),
                audit: try count("SELECT COUNT(*) FROM auditEntry"),
                wallets: try count("SELECT COUNT(*) FROM wallet"))
        }
    }

    var description: String {
        "users \(users) (registered \(registeredUsers)), credentials \(credentials) (active \(activeCredentials)), tokens \(tokens) (active \(activeTokens)), used challenges \(usedChallenges), audit \(audit), wallets \(wallets)"
    }
}

import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import DfnsWebAuthn
import Foundation
import GRDB
import Testing

/// Login (`/auth/login/init`, `/auth/login`), delegated login and logout.
@Suite struct LoginTests {
    @Test func passkeyLoginAnswersALoginTokenAndAdvancesTheCounter() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let counterBefore = try await sandbox.read { db in try Credential.fetchOne(db, key: user.passkeyUuid)?.signCount }
            let challenge = try await sandbox.client(token: nil, signer: nil).login.initialize(orgId: sandbox.orgId, username: user.username)
            #expect(challenge.allowCredentials?.webauthn?.map(\.id) == [user.passkey.credId])
            #expect(challenge.allowCredentials?.key?.isEmpty == true)   // the recovery key never logs in
            let token = try await sandbox.client(token: nil, signer: nil).login.complete(
                challengeIdentifier: challenge.challengeIdentifier, firstFactor: try user.passkey.signLogin(challenge))
            let record = try await sandbox.read { db in
                try Token.fetchOne(db, key: try sandbox.services.tokens.verify(token, now: SandboxClock.now()).tokenId)
            }
            #expect(record?.kind == TokenKind.login)
            #expect(record?.userId == user.userId)
            let counterAfter = try await sandbox.read { db in try Credential.fetchOne(db, key: user.passkeyUuid)?.signCount }
            #expect((counterAfter ?? 0) > (counterBefore ?? 0))
            let items = try await sandbox.client(token: token, signer: nil).credentials.list()["items"]?.arrayValue
            #expect(items?.count == 2)
        }
    }

    @Test func aKeyCredentialLogsInAndALoginChallengeIsSingleUse() async throws {
        try await withSandbox { sandbox in
            let username = AuthFlows.username()
            let (challenge, token) = try await AuthFlows.delegatedChallenge(sandbox, username: username)
            let key = try KeyCredential.generate(.ed25519)
            let attestation = try KeyAttestation(credential: key, challenge: try AuthFlows.text(challenge))
            _ = try await sandbox.client(token: nil, signer: nil).registration.complete(
                temporaryAuthenticationToken: token, firstFactorCredential: attestation.jsonValue)
            let login = try sandbox.client(token: nil, signer: KeySigner(credential: key)).login
            let loginChallenge = try await login.initialize(orgId: sandbox.orgId, username: username)
            let factor = try KeySigner(credential: key).sign(challenge: loginChallenge.challenge,
                                                             allowedCredentialIds: loginChallenge.allowedKeyCredentialIds).jsonValue
            _ = try await login.complete(challengeIdentifier: loginChallenge.challengeIdentifier, firstFactor: factor)
            let before = try await AuthState.of(sandbox)
            await authRefusal(400, "the challenge has already been used") {
                try await login.complete(challengeIdentifier: loginChallenge.challengeIdentifier, firstFactor: factor)
            }
            #expect(try await AuthState.of(sandbox) == before)
            // The convenience login (init, sign, complete) works too.
            _ = try await login.login(orgId: sandbox.orgId, username: username)
        }
    }

    @Test func anotherUsersCredentialCannotLogInOrSign() async throws {
        try await withSandbox { sandbox in
            let alice = try await AuthFlows.register(sandbox)
            let mallory = try await AuthFlows.register(sandbox)
            let before = try await AuthState.of(sandbox)
            let anonymous = try sandbox.client(token: nil, signer: nil)
            let challenge = try await anonymous.login.initialize(orgId: sandbox.orgId, username: alice.username)
            // Mallory's passkey signs Alice's login challenge (skipping the signer's local allow-list check).
            let forged = try mallory.passkey.assertion(challenge: challenge.challenge, allowedCredentialIds: nil).jsonValue
            await authRefusal(401, "credential \(mallory.passkey.credId) is not a credential of this user") {
                try await anonymous.login.complete(challengeIdentifier: challenge.challengeIdentifier, firstFactor: forged)
            }
            #expect(try await AuthState.of(sandbox) == before)

            // Nor a user action of Alice's session.
            let aliceClient = try alice.client(sandbox, token: try await alice.login(sandbox))
            let afterLogin = try await AuthState.of(sandbox)
            let issued = try await sandbox.count("userActionToken")
            await authRefusal(401, "is not a credential of this user") {
                try await AuthFlows.userActionToken(aliceClient) { challenge in
                    try mallory.passkey.assertion(challenge: challenge.challenge, allowedCredentialIds: nil).jsonValue
                }
            }
            #expect(try await AuthState.of(sandbox) == afterLogin)
            #expect(try await sandbox.count("userActionToken") == issued)
        }
    }

    @Test func anUnknownUserLearnsNoMoreThanUserNotFound() async throws {
        try await withSandbox { sandbox in
            let anonymous = try sandbox.client(token: nil, signer: nil)
            let unregistered = AuthFlows.username()
            _ = try await AuthFlows.delegatedChallenge(sandbox, username: unregistered)
            let before = try await sandbox.count("challenge")
            for (orgId, username) in [(sandbox.orgId, "nobody@example.com"), ("or-unknown", "nobody@example.com"),
                                      (sandbox.orgId, unregistered), (sandbox.orgId, "sandbox-service-account")] {
                let error = await authRefusal(401, "user not found") {
                    try await anonymous.login.initialize(orgId: orgId, username: username)
                }
                #expect(error?.message == "user not found")
            }
            #expect(try await sandbox.count("challenge") == before)
            await authRefusal(400, "username is required") {
                try await anonymous.login.initialize(orgId: sandbox.orgId)
            }
        }
    }

    @Test func delegatedLoginGivesAnEndUserTokenWhoseWritesTheUserSigns() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let service = try sandbox.serviceAccountClient()
            let token = try await service.login.delegated(username: user.username)
            let kind = try await sandbox.read { db in
                try Token.fetchOne(db, key: try sandbox.services.tokens.verify(token, now: SandboxClock.now()).tokenId)?.kind
            }
            #expect(kind == TokenKind.delegatedLogin)
            // Without the user's signature the token only reads; a write needs the passkey.
            _ = try await sandbox.client(token: token, signer: nil).credentials.list()
            await #expect(throws: DfnsError.self) {
                try await sandbox.client(token: token, signer: nil).credentials.createCode(expiration: SandboxClock.iso8601(SandboxClock.now() + 60))
            }
            try await AuthFlows.signedAction(try user.client(sandbox, token: token))

            let before = try await AuthState.of(sandbox)
            await authRefusal(404, "user nobody@example.com not found") { try await service.login.delegated(username: "nobody@example.com") }
            await authRefusal(400, "delegated login is for end users") { try await service.login.delegated(username: "sandbox-service-account") }
            let unregistered = AuthFlows.username()
            _ = try await AuthFlows.delegatedChallenge(sandbox, username: unregistered)
            let afterChallenge = try await AuthState.of(sandbox)
            await authRefusal(400, "has not completed registration") { try await service.login.delegated(username: unregistered) }
            await authRefusal(403, "only a service account may log in end users") {
                try await user.client(sandbox, token: token).login.delegated(username: user.username)
            }
            #expect(try await AuthState.of(sandbox) == afterChallenge)
            #expect(before.tokens + 1 == afterChallenge.tokens)   // only the unregistered user's temporary token
        }
    }

    @Test func logoutRevokesTheSessionOrEverySession() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let first = try await user.login(sandbox)
            let second = try await user.login(sandbox)
            let delegated = try await sandbox.serviceAccountClient().login.delegated(username: user.username)

            try await sandbox.client(token: first, signer: nil).login.logout()
            await authRefusal(401, "the bearer token has been revoked") { try await sandbox.client(token: first, signer: nil).credentials.list() }
            _ = try await sandbox.client(token: second, signer: nil).credentials.list()

            try await sandbox.client(token: second, signer: nil).login.logout(allSessions: true)
            for token in [second, delegated] {
                await authRefusal(401, "the bearer token has been revoked") { try await sandbox.client(token: token, signer: nil).credentials.list() }
            }
            // The service account's own token is not a session.
            await authRefusal(400, "logout ends login sessions") { try await sandbox.serviceAccountClient().login.logout() }
            _ = try await sandbox.serviceAccountClient().credentials.list()
        }
    }
}

import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import DfnsWebAuthn
import Foundation
import GRDB
import Testing

/// Delegated account recovery (`/auth/recover/user/delegated`, `/auth/recover/user`).
@Suite struct RecoveryTests {
    /// What the user's new device prepares from a recovery challenge.
    struct Prepared {
        let authenticator: SoftwareAuthenticator
        let passkey: Fido2Attestation
        let newRecoveryCode: RecoveryCode
        let newCredentials: JSONValue
        let recovery: JSONValue
        let temporaryToken: String
    }

    /// Starts a delegated recovery of `user` and prepares the new credentials and the recovery
    /// assertion over them, as the user's device does with its recovery code.
    static func prepare(_ sandbox: TestSandbox, _ user: AuthEndUser) async throws -> Prepared {
        let challenge = try await sandbox.serviceAccountClient().recovery.delegated(
            username: user.username, credentialId: try #require(user.recoveryCredId))
        let token = try #require(challenge["temporaryAuthenticationToken"]?.stringValue)
        let allowed = try #require(challenge["allowedRecoveryCredentials"]?.arrayValue?.first)
        #expect(allowed["id"]?.stringValue == user.recoveryCredId)
        let authenticator = SoftwareAuthenticator()
        let passkey = try AuthFlows.passkey(sandbox, challenge: challenge, on: authenticator, name: "new phone")
        let newRecovery = try RecoveryKey.createCredential(challenge: try AuthFlows.text(challenge), username: user.username)
        let newCredentials: JSONValue = .object([
            ("firstFactorCredential", passkey.jsonValue),
            ("recoveryCredential", newRecovery.attestation.jsonValue),
        ])
        let assertion = try RecoveryKey.sign(challenge: RecoveryAPI.recoveryChallenge(for: newCredentials),
                                             encryptedRecoveryKey: try #require(allowed["encryptedRecoveryKey"]?.stringValue),
                                             recoveryCode: try #require(user.recoveryCode), username: user.username,
                                             credentialId: try #require(user.recoveryCredId))
        return Prepared(authenticator: authenticator, passkey: passkey, newRecoveryCode: newRecovery.recoveryCode,
                        newCredentials: newCredentials, recovery: assertion.jsonValue(kind: RecoveryKey.credentialKind),
                        temporaryToken: token)
    }

    @Test func recoveryReplacesEveryCredentialAndEveryToken() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let login = try await user.login(sandbox)
            let delegated = try await sandbox.serviceAccountClient().login.delegated(username: user.username)
            let patKey = try KeyCredential.generate(.p256)
            let pat = try await user.client(sandbox, token: login).accessTokens.createPersonalAccessToken(
                name: "ci", publicKeyPEM: patKey.publicKeyPEM)
            let patToken = try #require(pat["accessToken"]?.stringValue)
            let oldCredentials = try await sandbox.read { db in try Credential.filter(Column("userId") == user.userId).fetchAll(db) }
            #expect(oldCredentials.count == 3)

            let prepared = try await Self.prepare(sandbox, user)
            let answer = try await sandbox.client(token: nil, signer: nil).recovery.complete(
                temporaryAuthenticationToken: prepared.temporaryToken, recovery: prepared.recovery, newCredentials: prepared.newCredentials)
            #expect(answer["credential"]?["kind"]?.stringValue == "Fido2")
            #expect(answer["credential"]?["name"]?.stringValue == "new phone")
            #expect(answer["user"]?["id"]?.stringValue == user.userId)

            // Every earlier credential is deactivated, the two new ones are active.
            let credentials = try await sandbox.read { db in try Credential.filter(Column("userId") == user.userId).fetchAll(db) }
            #expect(credentials.count == 5)
            #expect(credentials.filter(\.isActive).map(\.kind).sorted() == ["Fido2", "RecoveryKey"])
            #expect(credentials.filter(\.isActive).allSatisfy { credential in !oldCredentials.contains { $0.uuid == credential.uuid } })
            // Every earlier token is refused.
            for token in [login, delegated, patToken, prepared.temporaryToken] {
                await authRefusal(401, "the bearer token has been revoked") {
                    try await sandbox.client(token: token, signer: nil).credentials.list()
                }
            }
            // The old passkey no longer logs in; the new one does, and signs user actions.
            let anonymous = try sandbox.client(token: nil, signer: nil)
            let challenge = try await anonymous.login.initialize(orgId: sandbox.orgId, username: user.username)
            #expect(challenge.allowCredentials?.webauthn?.map(\.id) == [prepared.passkey.credId])
            await authRefusal(401, "credential \(user.passkey.credId) is deactivated") {
                try await anonymous.login.complete(challengeIdentifier: challenge.challengeIdentifier,
                                                   firstFactor: try user.passkey.assertion(challenge: challenge.challenge, allowedCredentialIds: nil).jsonValue)
            }
            let newSigner = try prepared.passkey.signer(on: prepared.authenticator)
            let token = try await sandbox.client(token: nil, signer: newSigner).login.login(orgId: sandbox.orgId, username: user.username)
            let recovered = try sandbox.client(token: token, signer: newSigner)
            try await AuthFlows.signedAction(recovered)

            // What the recovery invalidated stays invalid: the old passkey and the PAT cannot be activated again.
            let before = try await AuthState.of(sandbox)
            await authRefusal(400, "credential \(user.passkeyUuid) was invalidated by an account recovery") {
                try await recovered.credentials.activate(credentialUuid: user.passkeyUuid)
            }
            let patId = try #require(pat["tokenId"]?.stringValue)
            await authRefusal(400, "personal access token \(patId) was invalidated by an account recovery") {
                try await recovered.send(.put, "/auth/pats/\(patId)/activate", json: .object([]))
            }
            #expect(try await AuthState.of(sandbox) == before)

            // The old recovery credential cannot start another recovery.
            await authRefusal(401, "recovery credential \(try #require(user.recoveryCredId)) is deactivated") {
                try await sandbox.serviceAccountClient().recovery.delegated(username: user.username, credentialId: try #require(user.recoveryCredId))
            }
        }
    }

    @Test func aRecoveryAssertionOverOtherCredentialsIsRefusedAndNothingChanges() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let prepared = try await Self.prepare(sandbox, user)
            let client = try sandbox.client(token: nil, signer: nil)
            let before = try await AuthState.of(sandbox)

            // Swap in another first factor after the recovery key signed.
            let substitute = try AuthFlows.passkey(sandbox, challenge: .object([
                ("challenge", .string(try #require(try await sandbox.read { db in
                    try String.fetchOne(db, sql: "SELECT challenge FROM challenge WHERE purpose = 'Recovery' AND usedAt IS NULL")
                }))),
                ("user", .object([("id", .string(user.userId)), ("name", .string(user.username))])),
                ("pubKeyCredParams", .array([.object([("type", .string("public-key")), ("alg", .number("-7"))])])),
            ]), on: SoftwareAuthenticator(), name: "attacker")
            let swapped: JSONValue = .object([
                ("firstFactorCredential", substitute.jsonValue),
                ("recoveryCredential", try #require(prepared.newCredentials["recoveryCredential"])),
            ])
            await authRefusal(401, "the recovery assertion signed other credentials than newCredentials") {
                try await client.recovery.complete(temporaryAuthenticationToken: prepared.temporaryToken,
                                                   recovery: prepared.recovery, newCredentials: swapped)
            }
            // A passkey cannot stand in for the recovery key.
            let passkeyAssertion = try user.passkey.assertion(challenge: RecoveryAPI.recoveryChallenge(for: prepared.newCredentials),
                                                              allowedCredentialIds: nil)
            await authRefusal(400, "recovery.kind must be RecoveryKey") {
                try await client.recovery.complete(temporaryAuthenticationToken: prepared.temporaryToken,
                                                   recovery: passkeyAssertion.jsonValue, newCredentials: prepared.newCredentials)
            }
            let disguised: JSONValue = .object([("kind", .string("RecoveryKey")), ("credentialAssertion", passkeyAssertion.credentialAssertion)])
            await authRefusal(401, "invalid Key clientData") {
                try await client.recovery.complete(temporaryAuthenticationToken: prepared.temporaryToken,
                                                   recovery: disguised, newCredentials: prepared.newCredentials)
            }
            // The login token of the user is not a recovery token.
            let login = try await user.login(sandbox)
            let afterLogin = try await AuthState.of(sandbox)
            await authRefusal(401, "takes the temporaryAuthenticationToken of a recovery") {
                try await client.recovery.complete(temporaryAuthenticationToken: login, recovery: prepared.recovery,
                                                   newCredentials: prepared.newCredentials)
            }
            // Nor is the recovery token a registration token, or a session.
            await authRefusal(401, "takes the temporaryAuthenticationToken of a registration") {
                try await client.registration.complete(temporaryAuthenticationToken: prepared.temporaryToken,
                                                       firstFactorCredential: prepared.passkey.jsonValue)
            }
            await authRefusal(401, "only completes its recovery") {
                try await sandbox.client(token: prepared.temporaryToken, signer: nil).credentials.list()
            }
            #expect(afterLogin.tokens == before.tokens + 1)
            #expect(try await AuthState.of(sandbox) == afterLogin)
            _ = try await sandbox.client(token: login, signer: nil).credentials.list()

            // The genuine request still completes.
            _ = try await client.recovery.complete(temporaryAuthenticationToken: prepared.temporaryToken,
                                                   recovery: prepared.recovery, newCredentials: prepared.newCredentials)
        }
    }

    @Test func onlyARecoveryCredentialStartsARecoveryAndOnlyAServiceAccountStartsIt() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let service = try sandbox.serviceAccountClient()
            let before = try await AuthState.of(sandbox)
            await authRefusal(401, "is not a recovery factor") {
                try await service.recovery.delegated(username: user.username, credentialId: user.passkey.credId)
            }
            await authRefusal(401, "is not a credential of user") {
                try await service.recovery.delegated(username: user.username, credentialId: "unknown")
            }
            await authRefusal(404, "user nobody@example.com not found") {
                try await service.recovery.delegated(username: "nobody@example.com", credentialId: "unknown")
            }
            let client = try user.client(sandbox, token: try await user.login(sandbox))
            let afterLogin = try await AuthState.of(sandbox)
            await authRefusal(403, "only a service account may start the recovery") {
                try await client.recovery.delegated(username: user.username, credentialId: try #require(user.recoveryCredId))
            }
            #expect(afterLogin.tokens == before.tokens + 1)
            #expect(try await AuthState.of(sandbox) == afterLogin)
        }
    }
}

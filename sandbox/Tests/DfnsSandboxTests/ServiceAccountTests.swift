import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import DfnsWebAuthn
import Foundation
import GRDB
import Testing

/// Service accounts, personal access tokens and the user list (`/auth/service-accounts`,
/// `/auth/pats`, `/auth/users`).
@Suite struct ServiceAccountTests {
    @Test func aNewServiceAccountWorksUntilDeactivated() async throws {
        try await withSandbox { sandbox in
            let admin = try sandbox.serviceAccountClient()
            let key = try KeyCredential.generate(.p256)
            let created = try await admin.accessTokens.createServiceAccount(name: "backend", publicKeyPEM: key.publicKeyPEM,
                                                                           externalId: "svc-1", daysValid: 30)
            let info = try #require(created["userInfo"])
            #expect(info["kind"]?.stringValue == User.serviceAccount)
            #expect(info["username"]?.stringValue == "backend")
            #expect(info["orgId"]?.stringValue == sandbox.orgId)
            #expect(info["isActive"]?.boolValue == true)
            #expect(info["externalId"]?.stringValue == "svc-1")
            let accessToken = try #require(created["accessTokens"]?.arrayValue?.first)
            let token = try #require(accessToken["accessToken"]?.stringValue)
            #expect(accessToken["credId"]?.stringValue == key.credentialId)
            #expect(accessToken["isActive"]?.boolValue == true)
            let id = try #require(info["userId"]?.stringValue)

            // The new service account signs its own user actions with its key.
            let client = try sandbox.client(token: token, signer: KeySigner(credential: key))
            let challenge = try await client.registration.delegated(email: AuthFlows.username())
            #expect(challenge["temporaryAuthenticationToken"] != nil)
            let audit = try await sandbox.read { db in try AuditEntry.order(Column("seq").desc).fetchOne(db) }
            #expect(audit?.userId == id)

            // Listed, read, and its token value never shown again.
            let listed = try await admin.accessTokens.listServiceAccounts()["items"]?.arrayValue ?? []
            #expect(listed.count == 2)
            let read = try await admin.send(.get, "/auth/service-accounts/\(id)").json()
            #expect(read["userInfo"]?["userId"]?.stringValue == id)
            #expect(read["accessTokens"]?.arrayValue?.first?["accessToken"] == nil)

            // Deactivated: its token is refused. Activated: accepted again.
            _ = try await admin.accessTokens.setServiceAccount(id, active: false)
            await authRefusal(401, "user \(id) is deactivated") { try await client.credentials.list() }
            _ = try await admin.accessTokens.setServiceAccount(id, active: true)
            _ = try await client.credentials.list()

            // A service account cannot lock itself out.
            await authRefusal(400, "cannot deactivate itself") { try await admin.accessTokens.setServiceAccount(sandbox.serviceAccountId, active: false) }
            await authRefusal(404, "service account us-nope not found") { try await admin.send(.get, "/auth/service-accounts/us-nope") }
        }
    }

    @Test func serviceAccountRequestsAreCheckedBeforeAnythingIsWritten() async throws {
        try await withSandbox { sandbox in
            let admin = try sandbox.serviceAccountClient()
            let user = try await AuthFlows.register(sandbox)
            let endUser = try user.client(sandbox, token: try await user.login(sandbox))
            let before = try await AuthState.of(sandbox)
            await authRefusal(400, "publicKey is not a supported public key PEM") {
                try await admin.accessTokens.createServiceAccount(name: "broken", publicKeyPEM: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
            }
            await authRefusal(400, "daysValid must be from 1 to 730") {
                try await admin.accessTokens.createServiceAccount(name: "old", publicKeyPEM: try KeyCredential.generate(.p256).publicKeyPEM, daysValid: 0)
            }
            await authRefusal(400, "permissionId is not supported by the sandbox") {
                try await admin.accessTokens.createServiceAccount(name: "perm", publicKeyPEM: try KeyCredential.generate(.p256).publicKeyPEM, permissionId: "pm-1")
            }
            await authRefusal(409, "a user named sandbox-service-account already exists") {
                try await admin.accessTokens.createServiceAccount(name: "sandbox-service-account", publicKeyPEM: try KeyCredential.generate(.p256).publicKeyPEM)
            }
            await authRefusal(403, "only a service account may create service accounts") {
                try await endUser.accessTokens.createServiceAccount(name: "mine", publicKeyPEM: try KeyCredential.generate(.p256).publicKeyPEM)
            }
            await authRefusal(403, "only a service account may list service accounts") { try await endUser.accessTokens.listServiceAccounts() }
            #expect(try await AuthState.of(sandbox) == before)
        }
    }

    @Test func aPersonalAccessTokenActsForItsUserUntilDeactivated() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let session = try user.client(sandbox, token: try await user.login(sandbox))
            let key = try KeyCredential.generate(.p256)
            let created = try await session.accessTokens.createPersonalAccessToken(name: "ci", publicKeyPEM: key.publicKeyPEM)
            let token = try #require(created["accessToken"]?.stringValue)
            let tokenId = try #require(created["tokenId"]?.stringValue)
            #expect(created["credId"]?.stringValue == key.credentialId)
            #expect(created["linkedUserId"]?.stringValue == user.userId)
            #expect(created["kind"]?.stringValue == TokenKind.personalAccessToken)

            // The PAT reads and signs as the user, with its own key.
            let pat = try sandbox.client(token: token, signer: KeySigner(credential: key))
            _ = try await pat.credentials.list()
            try await AuthFlows.signedAction(pat)
            let audit = try await sandbox.read { db in try AuditEntry.order(Column("seq").desc).fetchOne(db) }
            #expect(audit?.userId == user.userId)
            let listed = try await session.accessTokens.listPersonalAccessTokens()["items"]?.arrayValue
            #expect(listed?.map { $0["tokenId"]?.stringValue } == [tokenId])
            #expect(listed?.first?["accessToken"] == nil)

            // The PAT's key never logs in.
            let anonymous = try sandbox.client(token: nil, signer: nil)
            let login = try await anonymous.login.initialize(orgId: sandbox.orgId, username: user.username)
            #expect(login.allowedKeyCredentialIds?.contains(key.credentialId) == false)
            await authRefusal(401, "is the key of an access token, which cannot log in") {
                try await anonymous.login.complete(challengeIdentifier: login.challengeIdentifier,
                                                   firstFactor: try KeySigner(credential: key).sign(challenge: login.challenge, allowedCredentialIds: nil).jsonValue)
            }
            // A second PAT on the same key is refused.
            await authRefusal(409, "publicKey is already a credential of this user") {
                try await session.accessTokens.createPersonalAccessToken(name: "again", publicKeyPEM: key.publicKeyPEM)
            }

            // Deactivated, it is refused; activated, accepted; deleted, unknown.
            let deactivated = try await session.send(.put, "/auth/pats/\(tokenId)/deactivate", json: .object([])).json()
            #expect(deactivated["isActive"]?.boolValue == false)
            await authRefusal(401, "the bearer token has been revoked") { try await pat.credentials.list() }
            _ = try await session.send(.put, "/auth/pats/\(tokenId)/activate", json: .object([]))
            _ = try await pat.credentials.list()
            // Its Key credential deactivated, the token is retired with it; reactivated, it works again.
            let credentials = try #require(try await session.credentials.list()["items"]?.arrayValue)
            let patCredential = try #require(credentials.first { $0["credentialId"]?.stringValue == key.credentialId })
            let patCredentialUuid = try #require(patCredential["credentialUuid"]?.stringValue)
            _ = try await session.credentials.deactivate(credentialUuid: patCredentialUuid)
            await authRefusal(401, "the bearer token's credential is deactivated") { try await pat.credentials.list() }
            _ = try await session.credentials.activate(credentialUuid: patCredentialUuid)
            _ = try await pat.credentials.list()
            _ = try await session.accessTokens.deletePersonalAccessToken(tokenId)
            await authRefusal(401, "the bearer token is not known to this sandbox") { try await pat.credentials.list() }
            await authRefusal(404, "personal access token \(tokenId) of this user not found") {
                try await session.send(.get, "/auth/pats/\(tokenId)")
            }
        }
    }

    @Test func aPersonalAccessTokenHonoursItsLifetime() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let session = try user.client(sandbox, token: try await user.login(sandbox))
            let key = try KeyCredential.generate(.ed25519)
            let body: JSONValue = .object([("name", .string("short")), ("publicKey", .string(key.publicKeyPEM)), ("secondsValid", .number("120"))])
            let created = try await session.send(.post, "/auth/pats", json: body).json()
            let tokenId = try #require(created["tokenId"]?.stringValue)
            let record = try await sandbox.read { db in try Token.fetchOne(db, key: tokenId) }
            let lifetime = try #require(record.map { $0.expiresAt - SandboxClock.now() })
            #expect(lifetime > 60 && lifetime <= 120)
            let before = try await AuthState.of(sandbox)
            await authRefusal(400, "give daysValid or secondsValid, not both") {
                try await session.send(.post, "/auth/pats", json: .object([
                    ("name", .string("both")), ("publicKey", .string(try KeyCredential.generate(.p256).publicKeyPEM)),
                    ("daysValid", .number("1")), ("secondsValid", .number("60")),
                ]))
            }
            #expect(try await AuthState.of(sandbox) == before)
        }
    }

    @Test func theUserListIsForServiceAccountsAndPaginates() async throws {
        try await withSandbox { sandbox in
            let admin = try sandbox.serviceAccountClient()
            let user = try await AuthFlows.register(sandbox)
            _ = try await AuthFlows.register(sandbox)
            let all = try await admin.send(.get, "/auth/users").json()["items"]?.arrayValue ?? []
            #expect(all.count == 3)
            let endUsers = try await admin.send(.get, "/auth/users?kind=EndUser").json()["items"]?.arrayValue ?? []
            #expect(endUsers.count == 2)
            #expect(endUsers.allSatisfy { $0["isRegistered"]?.boolValue == true && $0["kind"]?.stringValue == "EndUser" })
            let first = try await admin.send(.get, "/auth/users?limit=2").json()
            #expect(first["items"]?.arrayValue?.count == 2)
            let next = try #require(first["nextPageToken"]?.stringValue)
            let second = try await admin.send(.get, "/auth/users?limit=2&paginationToken=\(next)").json()
            #expect(second["items"]?.arrayValue?.count == 1)
            #expect(second["nextPageToken"] == nil)
            let one = try await admin.send(.get, "/auth/users/\(user.userId)").json()
            #expect(one["username"]?.stringValue == user.username)

            let endUser = try user.client(sandbox, token: try await user.login(sandbox))
            await authRefusal(403, "only a service account may list users") { try await endUser.send(.get, "/auth/users") }
            await authRefusal(400, "kind must be one of") { try await admin.send(.get, "/auth/users?kind=Robot") }
        }
    }
}

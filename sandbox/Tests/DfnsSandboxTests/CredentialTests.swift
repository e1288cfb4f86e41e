import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import DfnsWebAuthn
import Foundation
import GRDB
import Testing

/// Credential management (`/auth/credentials…`): the list, the multi-device flow, codes,
/// activation and deactivation, deletion.
@Suite struct CredentialTests {
    @Test func theListShowsTheCallersCredentials() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let listed = try await user.client(sandbox, token: try await user.login(sandbox)).credentials.list()
            let items = try #require(listed["items"]?.arrayValue)
            #expect(items.count == 2)
            let passkey = try #require(items.first { $0["kind"]?.stringValue == "Fido2" })
            #expect(passkey["credentialId"]?.stringValue == user.passkey.credId)
            #expect(passkey["credentialUuid"]?.stringValue == user.passkeyUuid)
            #expect(passkey["isActive"]?.boolValue == true)
            #expect(passkey["relyingPartyId"]?.stringValue == sandbox.rpId)
            #expect(passkey["origin"]?.stringValue == sandbox.origin)
            #expect(passkey["publicKey"]?.stringValue?.hasPrefix("-----BEGIN PUBLIC KEY-----") == true)
            let recovery = try #require(items.first { $0["kind"]?.stringValue == "RecoveryKey" })
            #expect(recovery["credentialId"]?.stringValue == user.recoveryCredId)

            // Pagination.
            let page = try await sandbox.client(token: try await user.login(sandbox), signer: nil).send(.get, "/auth/credentials?limit=1").json()
            #expect(page["items"]?.arrayValue?.count == 1)
            #expect(page["nextPageToken"]?.stringValue != nil)
        }
    }

    /// The FAQ's multi-device flow (reference/dfns-protocol.md §5): the server holds the user's
    /// delegated token, takes the challenge for device B, device B attests its new passkey, device A
    /// signs the user action that adds it, and device B then signs user actions itself.
    @Test func multiDeviceFlowAddsAPasskeyFromASecondDevice() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let token = try await sandbox.serviceAccountClient().login.delegated(username: user.username)
            let server = try sandbox.client(token: token, signer: nil)

            let challenge = try await server.credentials.initialize(kind: "Fido2")
            #expect(challenge["kind"]?.stringValue == "Fido2")
            #expect(challenge["excludeCredentials"]?.arrayValue?.first?["id"]?.stringValue == user.passkey.credId)
            let deviceB = SoftwareAuthenticator()
            let attestation = try AuthFlows.passkey(sandbox, challenge: challenge, on: deviceB, name: "device B")
            let body = try AuthFlows.adding([("challengeIdentifier", try #require(challenge["challengeIdentifier"]))], to: attestation.jsonValue)
            let signerB = try attestation.signer(on: deviceB)

            // Device B cannot approve its own addition: it is not a credential yet.
            let refused = try await server.credentials.createDelegated(body)
            let before = try await AuthState.of(sandbox)
            await authRefusal(401, "credential \(signerB.credId) is not a credential of this user") {
                try await server.delegatedComplete(refused, firstFactor: try signerB.assertion(challenge: refused.challenge.challenge, allowedCredentialIds: nil).jsonValue)
            }
            #expect(try await AuthState.of(sandbox) == before)

            // Device A signs the user action.
            let pending = try await server.credentials.createDelegated(body)
            let created = try await server.delegatedComplete(pending, firstFactor: try await user.passkey.sign(pending.challenge)).json()
            #expect(created["kind"]?.stringValue == "Fido2")
            #expect(created["credentialId"]?.stringValue == attestation.credId)
            #expect(created["name"]?.stringValue == "device B")
            let newUuid = try #require(created["credentialUuid"]?.stringValue)
            let audit = try await sandbox.read { db in try AuditEntry.order(Column("seq").desc).fetchOne(db) }
            #expect(audit?.httpPath == "/auth/credentials")
            #expect(audit?.credentialUuid == user.passkeyUuid)

            // Device B now signs user actions with the same session.
            try await AuthFlows.signedAction(try sandbox.client(token: token, signer: signerB))
            let last = try await sandbox.read { db in try AuditEntry.order(Column("seq").desc).fetchOne(db) }
            #expect(last?.credentialUuid == newUuid)
            // And the challenge was spent.
            await authRefusal(400, "already been used") {
                let again = try await server.credentials.createDelegated(body)
                return try await server.delegatedComplete(again, firstFactor: try await user.passkey.sign(again.challenge))
            }
        }
    }

    @Test func aCredentialChallengeServesOnlyTheUserAndKindItWasIssuedFor() async throws {
        try await withSandbox { sandbox in
            let alice = try await AuthFlows.register(sandbox)
            let bob = try await AuthFlows.register(sandbox)
            let aliceClient = try alice.client(sandbox, token: try await alice.login(sandbox))
            let bobClient = try bob.client(sandbox, token: try await bob.login(sandbox))
            let challenge = try await aliceClient.credentials.initialize(kind: "Key")
            let identifier = try #require(challenge["challengeIdentifier"])
            let key = try KeyAttestation(credential: try KeyCredential.generate(.p256), challenge: try AuthFlows.text(challenge))
            let before = try await AuthState.of(sandbox)
            await authRefusal(400, "the credential challenge was issued to another user") {
                try await bobClient.credentials.create(try AuthFlows.adding([("challengeIdentifier", identifier)], to: key.jsonValue))
            }
            let passkey = try AuthFlows.passkey(sandbox, challenge: challenge, on: SoftwareAuthenticator())
            await authRefusal(400, "credentialKind Fido2 differs from the kind Key") {
                try await aliceClient.credentials.create(try AuthFlows.adding([("challengeIdentifier", identifier)], to: passkey.jsonValue))
            }
            // A challenge obtained with the bearer token cannot be completed without a user action.
            await authRefusal(400, "was not issued by POST /auth/credentials/code/init") {
                try await sandbox.client(token: nil, signer: nil).credentials.createWithCode(
                    try AuthFlows.adding([("challengeIdentifier", identifier)], to: key.jsonValue))
            }
            await authRefusal(400, "kind Password is not supported by the sandbox") { try await aliceClient.credentials.initialize(kind: "Password") }
            #expect(try await AuthState.of(sandbox) == before)
            // Alice herself completes it.
            let created = try await aliceClient.credentials.create(try AuthFlows.adding([("challengeIdentifier", identifier)], to: key.jsonValue))
            #expect(created["kind"]?.stringValue == "Key")
        }
    }

    @Test func aCodeLetsAnotherAppAddAPasswordProtectedKeyThatLogsIn() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let client = try user.client(sandbox, token: try await user.login(sandbox))
            let code = try #require(try await AuthFlows.signedAction(client)["code"]?.stringValue)

            let anonymous = try sandbox.client(token: nil, signer: nil)
            let challenge = try await anonymous.credentials.initializeWithCode(kind: "PasswordProtectedKey", code: code)
            #expect(challenge["user"]?["id"]?.stringValue == user.userId)
            let password = SecretBytes(Array("correct horse battery staple".utf8))
            let created = try PasswordProtectedKey.createCredential(challenge: try AuthFlows.text(challenge), password: password,
                                                                    username: user.username, credentialName: "other app")
            let body = try AuthFlows.adding([("challengeIdentifier", try #require(challenge["challengeIdentifier"]))], to: created.attestation.jsonValue)
            let credential = try await anonymous.credentials.createWithCode(body)
            #expect(credential["kind"]?.stringValue == "PasswordProtectedKey")
            #expect(credential["credentialId"]?.stringValue == created.credential.credentialId)

            // The code is single use.
            let before = try await AuthState.of(sandbox)
            await authRefusal(403, "invalid code: the code has already been used") {
                try await anonymous.credentials.initializeWithCode(kind: "Key", code: code)
            }
            await authRefusal(403, "invalid code: no such credential code") {
                try await anonymous.credentials.initializeWithCode(kind: "Key", code: "NOPE-NOPE-NOPE-NOPE")
            }
            #expect(try await AuthState.of(sandbox) == before)

            // The password-protected key logs in: the login challenge carries its envelope.
            let login = try await anonymous.login.initialize(orgId: sandbox.orgId, username: user.username)
            let descriptor = try #require(login.allowCredentials?.passwordProtectedKey?.first)
            #expect(descriptor.id == created.credential.credentialId)
            let envelope = try PasswordProtectedKey(encryptedPrivateKey: descriptor.encryptedPrivateKey)
            let assertion = try envelope.sign(challenge: login.challenge, allowedCredentialIds: nil, password: password,
                                              username: user.username, credentialId: descriptor.id)
            let token = try await anonymous.login.complete(challengeIdentifier: login.challengeIdentifier,
                                                           firstFactor: assertion.jsonValue(kind: PasswordProtectedKey.credentialKind))
            _ = try await sandbox.client(token: token, signer: nil).credentials.list()
        }
    }

    @Test func aDeactivatedCredentialIsRefusedUntilActivatedAndTheLastSignerIsKept() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let token = try await user.login(sandbox)
            let client = try user.client(sandbox, token: token)
            let (key, created) = try await AuthFlows.addKeyCredential(client)
            let keyUuid = try #require(created["credentialUuid"]?.stringValue)
            let keyClient = try sandbox.client(token: token, signer: KeySigner(credential: key))
            try await AuthFlows.signedAction(keyClient)

            let message = try await client.credentials.deactivate(credentialUuid: keyUuid)["message"]?.stringValue
            #expect(message == "credential \(keyUuid) deactivated")
            let before = try await AuthState.of(sandbox)
            let issuedBefore = try await sandbox.count("userActionToken")
            // Its assertion is refused by the server, naming the credential.
            await authRefusal(401, "credential \(key.credentialId) is deactivated") {
                try await AuthFlows.userActionToken(keyClient) { challenge in
                    #expect(challenge.allowedKeyCredentialIds?.contains(key.credentialId) == false)
                    return try KeySigner(credential: key).sign(challenge: challenge.challenge, allowedCredentialIds: nil).jsonValue
                }
            }
            let login = try await sandbox.client(token: nil, signer: nil).login.initialize(orgId: sandbox.orgId, username: user.username)
            await authRefusal(401, "credential \(key.credentialId) is deactivated") {
                try await sandbox.client(token: nil, signer: nil).login.complete(
                    challengeIdentifier: login.challengeIdentifier,
                    firstFactor: try KeySigner(credential: key).sign(challenge: login.challenge, allowedCredentialIds: nil).jsonValue)
            }
            #expect(try await AuthState.of(sandbox) == before)
            #expect(try await sandbox.count("userActionToken") == issuedBefore)

            // The passkey is now the last active signer: it cannot be deactivated.
            let stateBefore = try await AuthState.of(sandbox)
            await authRefusal(400, "last active credential that can sign") {
                try await client.credentials.deactivate(credentialUuid: user.passkeyUuid)
            }
            let after = try await AuthState.of(sandbox)
            #expect(after.activeCredentials == stateBefore.activeCredentials)
            #expect(after.credentials == stateBefore.credentials)

            // Activated again, the key signs.
            _ = try await client.credentials.activate(credentialUuid: keyUuid)
            try await AuthFlows.signedAction(keyClient)
            // Another user's credential is not found.
            let other = try await AuthFlows.register(sandbox)
            await authRefusal(404, "credential \(other.passkeyUuid) of this user not found") {
                try await client.credentials.deactivate(credentialUuid: other.passkeyUuid)
            }
        }
    }

    @Test func aCredentialCanBeDeleted() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let client = try user.client(sandbox, token: try await user.login(sandbox))
            let (_, created) = try await AuthFlows.addKeyCredential(client)
            let uuid = try #require(created["credentialUuid"]?.stringValue)
            let answer = try await client.send(.delete, "/auth/credentials/\(uuid)").json()
            #expect(answer["message"]?.stringValue == "credential \(uuid) deleted")
            #expect(try await sandbox.read { db in try Credential.fetchOne(db, key: uuid) } == nil)
            let items = try await client.credentials.list()["items"]?.arrayValue
            #expect(items?.count == 2)
            await authRefusal(400, "last active credential that can sign") {
                try await client.send(.delete, "/auth/credentials/\(user.passkeyUuid)")
            }
        }
    }
}

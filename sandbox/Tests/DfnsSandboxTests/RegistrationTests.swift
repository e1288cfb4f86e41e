import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import DfnsWebAuthn
import Foundation
import GRDB
import Testing

/// Delegated registration (`/auth/registration/delegated`, `/auth/registration`,
/// `/auth/registration/enduser`) over loopback with the library's client and signers.
@Suite struct RegistrationTests {
    @Test func delegatedRegistrationWithAPasskeyAndARecoveryCredentialThenLoginAndAUserAction() async throws {
        try await withSandbox { sandbox in
            let username = AuthFlows.username("alice")
            let (challenge, temporaryToken) = try await AuthFlows.delegatedChallenge(sandbox, username: username)
            #expect(challenge["user"]?["name"]?.stringValue == username)
            #expect(challenge["challengeIdentifier"]?.stringValue != nil)
            let userId = try #require(challenge["user"]?["id"]?.stringValue)
            let pending = try await sandbox.read { db in try User.fetchOne(db, key: userId) }
            #expect(pending?.isRegistered == false)
            #expect(pending?.kind == User.endUser)

            let authenticator = SoftwareAuthenticator()
            let passkey = try AuthFlows.passkey(sandbox, challenge: challenge, on: authenticator)
            let recovery = try RecoveryKey.createCredential(challenge: try AuthFlows.text(challenge), username: username)
            let answer = try await sandbox.client(token: nil, signer: nil).registration.complete(
                temporaryAuthenticationToken: temporaryToken, firstFactorCredential: passkey.jsonValue,
                recoveryCredential: recovery.attestation.jsonValue)
            #expect(answer["credential"]?["kind"]?.stringValue == "Fido2")
            #expect(answer["credential"]?["name"]?.stringValue == "passkey")
            #expect(answer["user"]?["id"]?.stringValue == userId)
            #expect(answer["user"]?["username"]?.stringValue == username)
            #expect(answer["user"]?["orgId"]?.stringValue == sandbox.orgId)

            let (user, credentials, tokens) = try await sandbox.read { db in
                (try User.fetchOne(db, key: userId),
                 try Credential.filter(Column("userId") == userId).order(Column("kind")).fetchAll(db),
                 try Token.filter(Column("userId") == userId).fetchAll(db))
            }
            #expect(user?.isRegistered == true)
            #expect(credentials.map(\.kind) == ["Fido2", "RecoveryKey"])
            #expect(credentials.first?.credId == passkey.credId)
            #expect(credentials.last?.credId == recovery.attestation.credentialId)
            #expect(credentials.last?.encryptedPrivateKey == recovery.envelope.encryptedPrivateKey)
            #expect(tokens.count == 1 && tokens.first?.kind == TokenKind.temporary && tokens.first?.isActive == false)

            // The user logs in with the passkey and signs a user action with it.
            let signer = try passkey.signer(on: authenticator)
            let token = try await sandbox.client(token: nil, signer: signer).login.login(orgId: sandbox.orgId, username: username)
            let code = try await AuthFlows.signedAction(try sandbox.client(token: token, signer: signer))
            #expect(code["code"]?.stringValue?.isEmpty == false)
            let audit = try await sandbox.read { db in try AuditEntry.filter(Column("userId") == userId).fetchAll(db) }
            #expect(audit.count == 1)
            #expect(audit.first?.credentialUuid == credentials.first?.uuid)
            #expect(audit.first?.httpPath == "/auth/credentials/code")
        }
    }

    @Test func endUserRegistrationCreatesWalletsDelegatedToTheUserAndAnswersALoginToken() async throws {
        try await withSandbox { sandbox in
            // A webhook subscribed to wallet.created (its URL refuses connections; only the queue is checked).
            try await sandbox.services.database.writer.write { db in
                try WebhookRecord(id: Identifiers.make("wh"), orgId: sandbox.orgId, url: "http://127.0.0.1:9/hook",
                                  events: #"["wallet.created"]"#, status: "Enabled", description: nil,
                                  secret: Identifiers.secret(), dateCreated: SandboxClock.iso8601()).insert(db)
            }
            let user = try await AuthFlows.register(sandbox, wallets: [("EthereumSepolia", "main"), ("Solana", nil)])
            let wallets = try #require(user.answer["wallets"]?.arrayValue)
            #expect(wallets.map { $0["network"]?.stringValue } == ["EthereumSepolia", "Solana"])
            #expect(wallets.first?["name"]?.stringValue == "main")
            for wallet in wallets {
                #expect(wallet["signingKey"]?["delegatedTo"]?.stringValue == user.userId)
                #expect(wallet["custodial"]?.boolValue == false)
            }
            #expect(wallets.first?["signingKey"]?["curve"]?.stringValue == "secp256k1")
            #expect(wallets.last?["signingKey"]?["curve"]?.stringValue == "ed25519")

            // One wallet.created event per wallet, queued in the registration's transaction.
            let events = try await sandbox.read { db in
                try String.fetchAll(db, sql: "SELECT data FROM webhookEvent WHERE kind = 'wallet.created' ORDER BY rowid")
            }
            #expect(events.count == 2)
            #expect(try events.map { try JSONParser().parse(Array($0.utf8))["id"] } == wallets.map { $0["id"] })

            let keys = try await sandbox.read { db in try SigningKeyRecord.order(Column.rowID).fetchAll(db) }
            #expect(keys.count == 2)
            #expect(keys.allSatisfy { $0.delegatedTo == user.userId && $0.ownerId == sandbox.serviceAccountId })

            // The answered token is a login token of the user.
            let token = try #require(user.answer["authentication"]?["token"]?.stringValue)
            let listed = try await sandbox.client(token: token, signer: nil).credentials.list()
            #expect(listed["items"]?.arrayValue?.count == 2)
            let kinds = try await sandbox.read { db in
                try String.fetchAll(db, sql: "SELECT kind FROM token WHERE userId = ? ORDER BY rowid", arguments: [user.userId])
            }
            #expect(kinds == [TokenKind.temporary, TokenKind.login])
        }
    }

    @Test func anUnknownNetworkRefusesTheWholeRegistration() async throws {
        try await withSandbox { sandbox in
            let username = AuthFlows.username()
            let (challenge, token) = try await AuthFlows.delegatedChallenge(sandbox, username: username)
            let passkey = try AuthFlows.passkey(sandbox, challenge: challenge, on: SoftwareAuthenticator())
            let before = try await AuthState.of(sandbox)
            await authRefusal(400, "network Atlantis is not known") {
                try await sandbox.client(token: nil, signer: nil).registration.completeEndUser(
                    temporaryAuthenticationToken: token, firstFactorCredential: passkey.jsonValue,
                    wallets: [("EthereumSepolia", nil), ("Atlantis", nil)])
            }
            #expect(try await AuthState.of(sandbox) == before)
        }
    }

    @Test func aTemporaryTokenOnlyCompletesItsRegistrationAndNothingElseCompletesOne() async throws {
        try await withSandbox { sandbox in
            let username = AuthFlows.username()
            let (challenge, temporaryToken) = try await AuthFlows.delegatedChallenge(sandbox, username: username)
            let passkey = try AuthFlows.passkey(sandbox, challenge: challenge, on: SoftwareAuthenticator())
            let before = try await AuthState.of(sandbox)

            // The service account's token is not a registration token.
            await authRefusal(401, "takes the temporaryAuthenticationToken of a registration") {
                try await sandbox.client(token: nil, signer: nil).registration.complete(
                    temporaryAuthenticationToken: sandbox.serviceAccountToken, firstFactorCredential: passkey.jsonValue)
            }
            // The registration token reads nothing and signs nothing.
            await authRefusal(401, "only completes its registration") {
                try await sandbox.client(token: temporaryToken, signer: nil).credentials.list()
            }
            await authRefusal(401, "only completes its registration") {
                try await sandbox.client(token: temporaryToken, signer: nil).credentials.initialize(kind: "Key")
            }
            // A second factor is not served.
            await authRefusal(400, "secondFactorCredential is not supported") {
                try await sandbox.client(token: nil, signer: nil).registration.complete(
                    temporaryAuthenticationToken: temporaryToken, firstFactorCredential: passkey.jsonValue,
                    secondFactorCredential: passkey.jsonValue)
            }
            // A recovery credential must be a RecoveryKey.
            let key = try KeyAttestation(credential: try KeyCredential.generate(.p256), challenge: try AuthFlows.text(challenge))
            await authRefusal(400, "recoveryCredential.credentialKind Key is not accepted here") {
                try await sandbox.client(token: nil, signer: nil).registration.complete(
                    temporaryAuthenticationToken: temporaryToken, firstFactorCredential: passkey.jsonValue,
                    recoveryCredential: key.jsonValue)
            }
            #expect(try await AuthState.of(sandbox) == before)
        }
    }

    @Test func aCompletedRegistrationCannotBeCompletedAgain() async throws {
        try await withSandbox { sandbox in
            let username = AuthFlows.username()
            let (challenge, temporaryToken) = try await AuthFlows.delegatedChallenge(sandbox, username: username)
            let passkey = try AuthFlows.passkey(sandbox, challenge: challenge, on: SoftwareAuthenticator())
            let client = try sandbox.client(token: nil, signer: nil)
            _ = try await client.registration.complete(temporaryAuthenticationToken: temporaryToken, firstFactorCredential: passkey.jsonValue)
            let after = try await AuthState.of(sandbox)

            // The same request again: its token was spent with the challenge.
            await authRefusal(401, "the bearer token has been revoked") {
                try await client.registration.complete(temporaryAuthenticationToken: temporaryToken, firstFactorCredential: passkey.jsonValue)
            }
            // Another credential for the same challenge: refused the same way.
            let other = try AuthFlows.passkey(sandbox, challenge: challenge, on: SoftwareAuthenticator())
            await authRefusal(401, "the bearer token has been revoked") {
                try await client.registration.complete(temporaryAuthenticationToken: temporaryToken, firstFactorCredential: other.jsonValue)
            }
            // And the e-mail cannot be registered again.
            await authRefusal(401, "user exists") {
                try await sandbox.serviceAccountClient().registration.delegated(email: username)
            }
            #expect(try await AuthState.of(sandbox) == after)
        }
    }

    @Test func twoConcurrentCompletionsRegisterOnce() async throws {
        try await withSandbox { sandbox in
            let username = AuthFlows.username()
            let (challenge, temporaryToken) = try await AuthFlows.delegatedChallenge(sandbox, username: username)
            let first = try AuthFlows.passkey(sandbox, challenge: challenge, on: SoftwareAuthenticator())
            let second = try AuthFlows.passkey(sandbox, challenge: challenge, on: SoftwareAuthenticator())
            let client = try sandbox.client(token: nil, signer: nil)
            async let a = AuthFlows.attempt { try await client.registration.complete(temporaryAuthenticationToken: temporaryToken, firstFactorCredential: first.jsonValue) }
            async let b = AuthFlows.attempt { try await client.registration.complete(temporaryAuthenticationToken: temporaryToken, firstFactorCredential: second.jsonValue) }
            let results = await [a, b]
            let successes = results.filter { if case .success = $0 { return true } else { return false } }
            #expect(successes.count == 1)
            for case .failure(let error) in results {
                // The loser either found the token spent (401) or the challenge used (400).
                guard case DfnsError.api(let api) = error else { Issue.record("\(error)"); continue }
                // (token spent by the winner: "revoked" at the door, or "already completed" in the transaction)
                let message = api.message ?? ""
                #expect((api.status == 401 && (message.contains("revoked") || message.contains("already completed")))
                        || (api.status == 400 && message.contains("already been used")), "\(api)")
            }
            let credentials = try await sandbox.count("credential")
            #expect(credentials == 2)   // the bootstrap service account's key and one passkey
        }
    }

    @Test func anAttestationForAnotherChallengeOrOriginIsRefusedAndTheRegistrationStaysOpen() async throws {
        try await withSandbox { sandbox in
            let username = AuthFlows.username()
            let (challenge, temporaryToken) = try await AuthFlows.delegatedChallenge(sandbox, username: username)
            let client = try sandbox.client(token: nil, signer: nil)
            let before = try await AuthState.of(sandbox)

            let foreignOrigin = try AuthFlows.passkey(sandbox, challenge: challenge, on: SoftwareAuthenticator(), origin: "https://evil.example")
            await authRefusal(400, "origin differs") {
                try await client.registration.complete(temporaryAuthenticationToken: temporaryToken, firstFactorCredential: foreignOrigin.jsonValue)
            }
            let otherChallenge = Base64URL.encode(Array("ch-not-the-one-issued".utf8))
            let key = try KeyAttestation(credential: try KeyCredential.generate(.p256), challenge: otherChallenge)
            await authRefusal(400, "challenge differs") {
                try await client.registration.complete(temporaryAuthenticationToken: temporaryToken, firstFactorCredential: key.jsonValue)
            }
            var otherDocument = challenge
            if case .object(var members) = otherDocument, let index = members.firstIndex(where: { $0.0 == "challenge" }) {
                members[index].1 = .string(otherChallenge)
                otherDocument = .object(members)
            }
            let wrongChallengePasskey = try AuthFlows.passkey(sandbox, challenge: otherDocument, on: SoftwareAuthenticator())
            await authRefusal(400, "challenge differs") {
                try await client.registration.complete(temporaryAuthenticationToken: temporaryToken, firstFactorCredential: wrongChallengePasskey.jsonValue)
            }
            #expect(try await AuthState.of(sandbox) == before)

            // Nothing was spent: the right attestation still completes the registration.
            let good = try KeyAttestation(credential: try KeyCredential.generate(.p256), challenge: try AuthFlows.text(challenge))
            let answer = try await client.registration.complete(temporaryAuthenticationToken: temporaryToken, firstFactorCredential: good.jsonValue)
            #expect(answer["credential"]?["kind"]?.stringValue == "Key")
        }
    }

    @Test func anUnfinishedRegistrationRestartsAndTheEarlierChallengeIsAbandoned() async throws {
        try await withSandbox { sandbox in
            let username = AuthFlows.username()
            let (firstChallenge, firstToken) = try await AuthFlows.delegatedChallenge(sandbox, username: username)
            let restarted = try await sandbox.serviceAccountClient().send(
                .post, "/auth/registration/delegated/restart",
                json: .object([("email", .string(username)), ("kind", .string("EndUser"))])).json()
            let secondChallenge = restarted
            let secondToken = try #require(restarted["temporaryAuthenticationToken"]?.stringValue)
            #expect(firstChallenge["user"]?["id"] == secondChallenge["user"]?["id"])
            let client = try sandbox.client(token: nil, signer: nil)
            let early = try AuthFlows.passkey(sandbox, challenge: firstChallenge, on: SoftwareAuthenticator())
            await authRefusal(401, "revoked") {
                try await client.registration.complete(temporaryAuthenticationToken: firstToken, firstFactorCredential: early.jsonValue)
            }
            let late = try AuthFlows.passkey(sandbox, challenge: secondChallenge, on: SoftwareAuthenticator())
            _ = try await client.registration.complete(temporaryAuthenticationToken: secondToken, firstFactorCredential: late.jsonValue)
            #expect(try await sandbox.read { db in try User.filter(Column("username") == username).fetchCount(db) } == 1)
        }
    }

    @Test func onlyAServiceAccountRegistersEndUsers() async throws {
        try await withSandbox { sandbox in
            let user = try await AuthFlows.register(sandbox)
            let client = try user.client(sandbox, token: try await user.login(sandbox))
            let before = try await AuthState.of(sandbox)
            await authRefusal(403, "only a service account may register end users") {
                try await client.registration.delegated(email: AuthFlows.username())
            }
            #expect(try await AuthState.of(sandbox) == before)

            // Malformed requests of a service account are refused before anything is written.
            let service = try sandbox.serviceAccountClient()
            await authRefusal(400, "kind must be EndUser") {
                try await service.registration.delegated(email: AuthFlows.username(), kind: "CustomerEmployee")
            }
            await authRefusal(400, "email must be an e-mail address") {
                try await service.registration.delegated(email: "not an e-mail")
            }
            #expect(try await AuthState.of(sandbox) == before)
        }
    }
}

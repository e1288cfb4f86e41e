import DfnsClient
import DfnsCrypto
import DfnsEncoding
@testable import DfnsSandbox
import Foundation
import GRDB
import Testing

/// Requests the sandbox must refuse, with the documented status and a message naming what is
/// wrong, and without changing anything: each test reads the database back (``SandboxState``)
/// before and after. The protected request is `POST /webhooks` (a user action).
///
/// Where a refusal does change one thing, the test says so: a user-action token the middleware
/// accepted is spent even when the request then fails (single use means once), but a token refused
/// by the middleware itself, or never reached because the bearer token was refused, stays unused.
@Suite struct NegativeTests {
    static let body = HooksTestKit.webhookBody(description: "negative")

    /// Expects `status` and a message containing `message` from `request`, and no state change.
    static func expectRefusal(_ sandbox: TestSandbox, status: Int, message: String,
                              sourceLocation: SourceLocation = #_sourceLocation,
                              _ request: () async throws -> Void) async throws {
        let before = try await SandboxState.read(sandbox)
        let error = await HooksTestKit.apiError(request, sourceLocation: sourceLocation)
        #expect(error?.status == status, "\(error?.description ?? "no error")", sourceLocation: sourceLocation)
        #expect(error?.message?.contains(message) == true, "\(error?.message ?? "no message") should contain \(message)",
                sourceLocation: sourceLocation)
        let after = try await SandboxState.read(sandbox)
        #expect(before == after, "state changed: \(before) → \(after)", sourceLocation: sourceLocation)
    }

    /// As ``expectRefusal(_:status:message:sourceLocation:_:)`` for a raw exchange.
    static func expectRawRefusal(_ sandbox: TestSandbox, status: Int, message: String, _ method: DfnsClient.HTTPMethod,
                                 _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                                 sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try await SandboxState.read(sandbox)
        let answer = try await HooksTestKit.raw(sandbox, method, path, headers: headers, body: body)
        #expect(answer.status == status, sourceLocation: sourceLocation)
        #expect(HooksTestKit.message(answer.body).contains(message), "\(HooksTestKit.message(answer.body)) should contain \(message)",
                sourceLocation: sourceLocation)
        #expect(answer.body?["error"]?["status"]?.int64Value == Int64(status), sourceLocation: sourceLocation)
        let after = try await SandboxState.read(sandbox)
        #expect(before == after, "state changed: \(before) → \(after)", sourceLocation: sourceLocation)
    }

    // MARK: User actions

    @Test func aReplayedUserActionTokenIsRefused() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let token = try await HooksTestKit.userActionToken(client, try sandbox.serviceAccountSigner(), .post, "/webhooks", body: Self.body)
            _ = try await client.send(.post, "/webhooks", body: Self.body, userActionToken: token)
            #expect(try await SandboxState.read(sandbox).webhooks == 1)
            try await Self.expectRefusal(sandbox, status: 400, message: "user action has already been used") {
                _ = try await client.send(.post, "/webhooks", body: Self.body, userActionToken: token)
            }
            #expect(try await SandboxState.read(sandbox).auditEntries == 1)
        }
    }

    @Test func concurrentUsesOfOneTokenApplyItOnce() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let token = try await HooksTestKit.userActionToken(client, try sandbox.serviceAccountSigner(), .post, "/webhooks", body: Self.body)
            let outcomes = await withTaskGroup(of: Int.self) { group -> [Int] in
                for _ in 0..<6 {
                    group.addTask {
                        do {
                            return try await client.send(.post, "/webhooks", body: Self.body, userActionToken: token).status
                        } catch let error as DfnsError {
                            if case .api(let api) = error { return api.status }
                            return -1
                        } catch {
                            return -1
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == 200 }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == 400 }.count == 5, "\(outcomes)")
            let state = try await SandboxState.read(sandbox)
            #expect(state.webhooks == 1)
            #expect(state.auditEntries == 1)
        }
    }

    @Test func aReusedChallengeIsRefused() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let challenge = try await client.userActionChallenge(method: .post, canonicalPath: "/webhooks", body: Self.body)
            let assertion = try await sandbox.serviceAccountSigner().sign(challenge)
            _ = try await client.userActionToken(challengeIdentifier: challenge.challengeIdentifier, firstFactor: assertion)
            try await Self.expectRefusal(sandbox, status: 400, message: "the challenge has already been used") {
                _ = try await client.userActionToken(challengeIdentifier: challenge.challengeIdentifier, firstFactor: assertion)
            }
            #expect(try await SandboxState.read(sandbox).userActionTokens == 1)
        }
    }

    @Test func aPayloadPathOrMethodOtherThanTheSignedOneIsRefusedNamingTheDifference() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let signer = try sandbox.serviceAccountSigner()

            let forOtherBody = try await HooksTestKit.userActionToken(client, signer, .post, "/webhooks", body: Self.body)
            try await Self.expectRefusal(sandbox, status: 403, message: "user action payload differs: the request body is not the JSON value that was signed") {
                _ = try await client.send(.post, "/webhooks", body: HooksTestKit.webhookBody(description: "tampered"), userActionToken: forOtherBody)
            }

            let forOtherPath = try await HooksTestKit.userActionToken(client, signer, .post, "/wallets", body: Self.body)
            try await Self.expectRefusal(sandbox, status: 403, message: "user action path differs: signed for /wallets, this request is /webhooks") {
                _ = try await client.send(.post, "/webhooks", body: Self.body, userActionToken: forOtherPath)
            }

            let forOtherMethod = try await HooksTestKit.userActionToken(client, signer, .put, "/webhooks", body: Self.body)
            try await Self.expectRefusal(sandbox, status: 403, message: "user action method differs: signed for PUT, this request is POST") {
                _ = try await client.send(.post, "/webhooks", body: Self.body, userActionToken: forOtherMethod)
            }

            // The middleware refused them before accepting them, so none was spent: the first
            // still works for the request it was signed for.
            _ = try await client.send(.post, "/webhooks", body: Self.body, userActionToken: forOtherBody)
            #expect(try await SandboxState.read(sandbox).webhooks == 1)
        }
    }

    @Test func aMissingOrUnknownUserActionIsRefused() async throws {
        try await withSandbox { sandbox in
            try await Self.expectRawRefusal(sandbox, status: 403, message: "user action signature is missing or invalid", .post, "/webhooks",
                                            headers: [("Authorization", "Bearer " + sandbox.serviceAccountToken)], body: Self.body)
            try await Self.expectRawRefusal(sandbox, status: 403, message: "the X-DFNS-USERACTION token is not known", .post, "/webhooks",
                                            headers: [("Authorization", "Bearer " + sandbox.serviceAccountToken),
                                                      ("X-DFNS-USERACTION", "forged")], body: Self.body)
        }
    }

    @Test func aTokenIssuedToAnotherUserIsRefused() async throws {
        try await withSandbox { sandbox in
            let endUser = try await EndUserFixture.create(in: sandbox)
            let theirs = try await HooksTestKit.userActionToken(try endUser.client(in: sandbox), endUser.signer, .post, "/webhooks", body: Self.body)
            let client = try sandbox.serviceAccountClient()
            try await Self.expectRefusal(sandbox, status: 403, message: "the user action token was issued to another user") {
                _ = try await client.send(.post, "/webhooks", body: Self.body, userActionToken: theirs)
            }
        }
    }

    @Test func anExpiredChallengeIsRefused() async throws {
        // A TTL ≤ 0: the challenge is expired the moment it is issued; no waiting.
        try await withSandbox({ $0.challengeTTL = -1 }) { sandbox in
            let client = try sandbox.serviceAccountClient()
            let challenge = try await client.userActionChallenge(method: .post, canonicalPath: "/webhooks", body: Self.body)
            let assertion = try await sandbox.serviceAccountSigner().sign(challenge)
            try await Self.expectRefusal(sandbox, status: 400, message: "the challenge has expired") {
                _ = try await client.userActionToken(challengeIdentifier: challenge.challengeIdentifier, firstFactor: assertion)
            }
            #expect(try await SandboxState.read(sandbox).userActionTokens == 0)
        }
    }

    @Test func anExpiredUserActionTokenIsRefused() async throws {
        try await withSandbox({ $0.userActionTTL = 0 }) { sandbox in
            let client = try sandbox.serviceAccountClient()
            let token = try await HooksTestKit.userActionToken(client, try sandbox.serviceAccountSigner(), .post, "/webhooks", body: Self.body)
            try await Self.expectRefusal(sandbox, status: 403, message: "the user action token has expired") {
                _ = try await client.send(.post, "/webhooks", body: Self.body, userActionToken: token)
            }
        }
    }

    @Test func anEscapedNonASCIIPayloadMatchesItsRawUTF8BodyButADifferentValueDoesNot() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let signer = try sandbox.serviceAccountSigner()
            // Signed as Python's json.dumps writes it, sent as raw UTF-8: the same JSON value.
            let signed = Array(#"{"url":"http://127.0.0.1:9/hook","events":["*"],"description":"Caf\u00e9"}"#.utf8)
            let sent = Array(#"{"url":"http://127.0.0.1:9/hook","events":["*"],"description":"Café"}"#.utf8)
            let token = try await HooksTestKit.userActionToken(client, signer, .post, "/webhooks", body: signed)
            let created = try await client.send(.post, "/webhooks", body: sent, userActionToken: token).json()
            #expect(created["description"]?.stringValue == "Café")
            let entry = try #require(try await sandbox.read { db in try AuditEntry.fetchOne(db, key: 1) })
            #expect(entry.payloadHash == HooksTestKit.sha256Hex(sent))

            let other = try await HooksTestKit.userActionToken(client, signer, .post, "/webhooks", body: signed)
            try await Self.expectRefusal(sandbox, status: 403, message: "user action payload differs") {
                _ = try await client.send(.post, "/webhooks", body: Array(#"{"url":"http://127.0.0.1:9/hook","events":["*"],"description":"Cafe"}"#.utf8),
                                          userActionToken: other)
            }
        }
    }

    // MARK: Bodies

    @Test func malformedAndDuplicateMemberBodiesAreRefused() async throws {
        try await withSandbox { sandbox in
            let bearer = [("Authorization", "Bearer " + sandbox.serviceAccountToken)]
            try await Self.expectRawRefusal(sandbox, status: 400, message: "request body is not valid JSON", .post, "/auth/action/init",
                                            headers: bearer, body: Array(#"{"userActionPayload": "#.utf8))
            try await Self.expectRawRefusal(sandbox, status: 400, message: "request body is not valid JSON", .post, "/auth/action/init",
                                            headers: bearer,
                                            body: Array(#"{"userActionPayload":"{}","userActionPayload":"{}","userActionHttpMethod":"POST","userActionHttpPath":"/webhooks"}"#.utf8))
            // A payload with duplicate members cannot even be signed...
            try await Self.expectRawRefusal(sandbox, status: 400, message: "userActionPayload is not valid JSON", .post, "/auth/action/init",
                                            headers: bearer,
                                            body: JSONWriter.bytes(.object([
                                                ("userActionPayload", .string(#"{"url":"http://a.example","url":"http://b.example","events":["*"]}"#)),
                                                ("userActionHttpMethod", .string("POST")), ("userActionHttpPath", .string("/webhooks")),
                                            ])))
            // ...and a protected request whose body is not strict JSON is a bad request (400) before any
            // comparison with what was signed.
            let client = try sandbox.serviceAccountClient()
            let token = try await HooksTestKit.userActionToken(client, try sandbox.serviceAccountSigner(), .post, "/webhooks", body: Self.body)
            let duplicate = Array(#"{"url":"http://127.0.0.1:9/hook","url":"http://127.0.0.1:9/hook","events":["*"],"description":"negative"}"#.utf8)
            try await Self.expectRawRefusal(sandbox, status: 400, message: "request body is not valid JSON",
                                            .post, "/webhooks", headers: bearer + [("X-DFNS-USERACTION", token)], body: duplicate)
            try await Self.expectRawRefusal(sandbox, status: 400, message: "request body is not valid JSON",
                                            .post, "/webhooks", headers: bearer + [("X-DFNS-USERACTION", token)], body: Array(#"{"url":"#.utf8))
            // The token was not spent by those refusals.
            _ = try await client.send(.post, "/webhooks", body: Self.body, userActionToken: token)
        }
    }

    @Test func anOversizedBodyIsRefusedWith413() async throws {
        try await withSandbox({ $0.maxBodyBytes = 1024 }) { sandbox in
            let bearer = [("Authorization", "Bearer " + sandbox.serviceAccountToken)]
            let large = HooksTestKit.webhookBody(description: String(repeating: "x", count: 2048))
            try await Self.expectRawRefusal(sandbox, status: 413, message: "request body exceeds 1024 bytes", .post, "/webhooks",
                                            headers: bearer + [("X-DFNS-USERACTION", "anything")], body: large)
            try await Self.expectRawRefusal(sandbox, status: 413, message: "request body exceeds 1024 bytes", .post, "/auth/action/init",
                                            headers: bearer, body: large)
            // A body within the limit is fine.
            let client = try sandbox.serviceAccountClient()
            _ = try await client.send(.post, "/webhooks", body: HooksTestKit.webhookBody(description: "small"))
        }
    }

    // MARK: Bearer tokens

    /// A user-action token for the protected request, obtained with the valid bearer, so that each
    /// bearer test shows the bearer is checked first: the token stays unused.
    static func validUserAction(_ sandbox: TestSandbox) async throws -> String {
        try await HooksTestKit.userActionToken(try sandbox.serviceAccountClient(), try sandbox.serviceAccountSigner(), .post, "/webhooks", body: body)
    }

    static func send(_ sandbox: TestSandbox, bearer: String?, userAction: String) async throws {
        _ = try await sandbox.client(token: bearer, signer: nil).send(.post, "/webhooks", body: body, userActionToken: userAction)
    }

    @Test func missingAndMalformedBearersAreRefused() async throws {
        try await withSandbox { sandbox in
            let token = try await Self.validUserAction(sandbox)
            try await Self.expectRefusal(sandbox, status: 401, message: "missing Authorization header") {
                try await Self.send(sandbox, bearer: nil, userAction: token)
            }
            try await Self.expectRefusal(sandbox, status: 401, message: "the bearer token is malformed") {
                try await Self.send(sandbox, bearer: "not-a-jwt", userAction: token)
            }
            try await Self.expectRefusal(sandbox, status: 401, message: "the bearer token is malformed") {
                try await Self.send(sandbox, bearer: "a.b.c", userAction: token)
            }
            try await Self.expectRawRefusal(sandbox, status: 401, message: #"the Authorization header must be "Bearer <token>""#, .post, "/webhooks",
                                            headers: [("Authorization", "Basic " + sandbox.serviceAccountToken), ("X-DFNS-USERACTION", token)],
                                            body: Self.body)
            try await Self.send(sandbox, bearer: sandbox.serviceAccountToken, userAction: token)
        }
    }

    @Test func aBearerSignedByAnotherSandboxIsRefused() async throws {
        try await withSandbox { sandbox in
            try await withSandbox { other in
                let token = try await Self.validUserAction(sandbox)
                try await Self.expectRefusal(sandbox, status: 401, message: "the bearer token's signature does not verify") {
                    try await Self.send(sandbox, bearer: other.serviceAccountToken, userAction: token)
                }
            }
        }
    }

    @Test func expiredRevokedAndForeignOrganizationBearersAreRefused() async throws {
        try await withSandbox { sandbox in
            let services = sandbox.services
            let accountId = sandbox.serviceAccountId
            let token = try await Self.validUserAction(sandbox)
            let bootstrapTokenId = try services.tokens.verify(sandbox.serviceAccountToken, now: Date().timeIntervalSince1970).tokenId
            let (expired, revoked, foreign) = try await services.database.writer.write { db -> (String, String, String) in
                let user = try #require(try User.fetchOne(db, key: accountId))
                let expired = try TokenMinter.mint(db, services: services, user: user, kind: TokenKind.serviceAccount, ttl: -60)
                let revoked = try TokenMinter.mint(db, services: services, user: user, kind: TokenKind.serviceAccount, ttl: 3600)
                let revokedId = try services.tokens.verify(revoked, now: Date().timeIntervalSince1970).tokenId
                try db.execute(sql: "UPDATE token SET isActive = 0 WHERE id = ?", arguments: [revokedId])
                // The bootstrap token's (real, active, unexpired) record, with signed claims that
                // name another organization.
                let now = Int64(Date().timeIntervalSince1970)
                let foreign = try services.tokens.issue(TokenIssuer.Claims(tokenId: bootstrapTokenId, userId: accountId, orgId: "or-someone-else",
                                                                           kind: TokenKind.serviceAccount, issuedAt: now, expiresAt: now + 3600))
                return (expired, revoked, foreign)
            }
            try await Self.expectRefusal(sandbox, status: 401, message: "the bearer token has expired") {
                try await Self.send(sandbox, bearer: expired, userAction: token)
            }
            try await Self.expectRefusal(sandbox, status: 401, message: "the bearer token has been revoked") {
                try await Self.send(sandbox, bearer: revoked, userAction: token)
            }
            try await Self.expectRefusal(sandbox, status: 401, message: "the bearer token belongs to another organization") {
                try await Self.send(sandbox, bearer: foreign, userAction: token)
            }
            // The user action was never reached: it still works with the right bearer.
            try await Self.send(sandbox, bearer: sandbox.serviceAccountToken, userAction: token)
            #expect(try await SandboxState.read(sandbox).webhooks == 1)
        }
    }
}

import DfnsClient
import DfnsCurlTransport
import DfnsEncoding
import DfnsLocking
import DfnsProtocol
import Testing

/// Every typed endpoint sends the method, path and body the protocol names, signed exactly when the
/// protocol says so, and reads its answer. The fake API answers each route with a canned entity.
@Suite("Dfns endpoint coverage on loopback")
struct EndpointCoverageTests {
    private static let key = #"{"id":"key-1","scheme":"EdDSA","curve":"ed25519","publicKey":"00","status":"Active"}"#
    private static let wallet = #"{"id":"wa-1","network":"Solana","status":"Active","signingKey":{"id":"key-1","scheme":"EdDSA","curve":"ed25519","publicKey":"00"}}"#

    private func fake() throws -> FakeDfnsServer {
        try FakeDfnsServer { request, canonical in
            switch (request.method, canonical) {
            case ("GET", "/wallets"), ("GET", "/keys"), ("GET", "/webhooks"), ("GET", "/webhooks/wh-1/events"):
                let item = canonical == "/wallets" ? EndpointCoverageTests.wallet : canonical == "/keys" ? EndpointCoverageTests.key : #"{"id":"x"}"#
                return .json(#"{"items":["# + item + "]}")
            case ("GET", "/wallets/wa-1"): return .json(EndpointCoverageTests.wallet)
            case ("POST", "/keys"), ("GET", "/keys/key-1"): return .json(EndpointCoverageTests.key)
            case ("POST", "/wallets/wa-1/transfers"): return .json(#"{"id":"xfr-1","status":"Broadcasted"}"#)
            case ("GET", "/keys/key-1/signatures/sig-1"): return .json(#"{"id":"sig-1","keyId":"key-1","status":"Signed"}"#)
            default: return .json(#"{"ok":true,"token":"t"}"#)
            }
        }
    }

    private func client(_ fake: FakeDfnsServer) throws -> DfnsAPIClient {
        DfnsAPIClient(baseURL: try BaseURL(fake.baseURL), transport: CurlTransport(), authToken: "sa",
                      signer: try fake.keySigner())
    }

    /// The single request (other than the user-action pair) the server saw: method, path with
    /// query, body, and whether it carried a user-action token.
    private func lastRequest(_ fake: FakeDfnsServer) throws -> (method: String, target: String, body: JSONValue?, signed: Bool) {
        let requests = fake.server.requests.filter { !$0.path.hasPrefix("/auth/action") }
        let last = try #require(requests.last)
        let body = last.body.isEmpty ? nil : try JSONParser().parse(last.body)
        return (last.method, last.target, body, last.headers["X-DFNS-USERACTION"] != nil)
    }

    @Test("wallets and keys")
    func walletsAndKeys() async throws {
        let fake = try fake()
        let client = try client(fake)
        #expect(try await client.wallets.get("wa-1").id == "wa-1")
        #expect(try lastRequest(fake).signed == false)
        var wallets = 0
        for try await _ in client.wallets.list(limit: 5) { wallets += 1 }
        let listed = try lastRequest(fake)
        #expect(wallets == 1 && listed.target == "/wallets?limit=5")

        // Broadcasted has its result (a transaction hash); confirmation comes later by webhook.
        guard case .completed(let transfer) = try await client.wallets.transfer("wa-1", .object([("kind", .string("Native")), ("to", .string("abc")), ("amount", .string("1"))])) else {
            Issue.record("a Broadcasted transfer is not completed"); return
        }
        #expect(transfer["id"]?.stringValue == "xfr-1")
        var sent = try lastRequest(fake)
        #expect(sent.method == "POST" && sent.target == "/wallets/wa-1/transfers" && sent.signed)
        #expect(sent.body?["externalId"]?.stringValue?.hasPrefix("dfns-bridge-") == true)

        #expect(try await client.keys.create(scheme: "EdDSA", curve: "ed25519", name: "k", delegateTo: "us-1").id == "key-1")
        sent = try lastRequest(fake)
        #expect(sent.signed && sent.body == .object([("scheme", .string("EdDSA")), ("curve", .string("ed25519")),
                                                      ("name", .string("k")), ("delegateTo", .string("us-1"))]))
        #expect(try await client.keys.get("key-1").curve == "ed25519")
        var keys = 0
        for try await _ in client.keys.list() { keys += 1 }
        #expect(keys == 1)
        _ = try await client.keys.delegate("key-1", to: "us-2")
        sent = try lastRequest(fake)
        #expect(sent.target == "/keys/key-1/delegate" && sent.signed && sent.body?["delegateTo"]?.stringValue == "us-2")
        #expect(try await client.keys.signature("key-1", "sig-1").lifecycle == .signed)
        // An id cannot add a segment to the signed path.
        _ = try? await client.keys.get("../wallets")
        #expect(try lastRequest(fake).target == "/keys/..%2Fwallets")
        #expect(fake.failures.isEmpty)
    }

    @Test("credentials, access tokens, webhooks, login and logout")
    func authEndpoints() async throws {
        let fake = try fake()
        let client = try client(fake)
        typealias Call = (name: String, run: @Sendable () async throws -> Void, method: String, target: String, signed: Bool)
        let calls: [Call] = [
            ("credentials list", { _ = try await client.credentials.list() }, "GET", "/auth/credentials", false),
            ("credentials init", { _ = try await client.credentials.initialize(kind: "Fido2") }, "POST", "/auth/credentials/init", false),
            ("credential code", { _ = try await client.credentials.createCode(expiration: "2030-01-01T00:00:00Z") }, "POST", "/auth/credentials/code", true),
            ("code init", { _ = try await client.credentials.initializeWithCode(kind: "Key", code: "c") }, "POST", "/auth/credentials/code/init", false),
            ("code verify", { _ = try await client.credentials.createWithCode(.object([])) }, "POST", "/auth/credentials/code/verify", false),
            ("activate", { _ = try await client.credentials.activate(credentialUuid: "cr-1") }, "PUT", "/auth/credentials/activate", true),
            ("deactivate", { _ = try await client.credentials.deactivate(credentialUuid: "cr-1") }, "PUT", "/auth/credentials/deactivate", true),
            ("service account", { _ = try await client.accessTokens.createServiceAccount(name: "sa", publicKeyPEM: "PEM", daysValid: 30) }, "POST", "/auth/service-accounts", true),
            ("service accounts", { _ = try await client.accessTokens.listServiceAccounts() }, "GET", "/auth/service-accounts", false),
            ("deactivate sa", { _ = try await client.accessTokens.setServiceAccount("us-9", active: false) }, "PUT", "/auth/service-accounts/us-9/deactivate", true),
            ("pat", { _ = try await client.accessTokens.createPersonalAccessToken(name: "p", publicKeyPEM: "PEM") }, "POST", "/auth/pats", true),
            ("pats", { _ = try await client.accessTokens.listPersonalAccessTokens() }, "GET", "/auth/pats", false),
            ("delete pat", { _ = try await client.accessTokens.deletePersonalAccessToken("to-1") }, "DELETE", "/auth/pats/to-1", true),
            ("webhook", { _ = try await client.webhooks.create(url: "https://h/x", events: ["*"]) }, "POST", "/webhooks", true),
            ("webhook delete", { _ = try await client.webhooks.delete("wh-1") }, "DELETE", "/webhooks/wh-1", true),
            ("webhook events", { for try await _ in client.webhooks.events("wh-1") {} }, "GET", "/webhooks/wh-1/events", false),
            ("policy", { _ = try await client.policies.create(.object([("name", .string("p"))])) }, "POST", "/v2/policies", true),
            ("recovery code", { _ = try await client.recovery.sendCode(username: "u", orgId: "or-1") }, "POST", "/auth/recover/user/code", false),
            ("recovery init", { _ = try await client.recovery.initialize(username: "u", verificationCode: "v", orgId: "or-1", credentialId: "c") }, "POST", "/auth/recover/user/init", false),
            ("registration init", { _ = try await client.registration.initialize(orgId: "or-1", username: "u", registrationCode: "r") }, "POST", "/auth/registration/init", false),
            ("logout", { try await client.login.logout(allSessions: true) }, "PUT", "/auth/logout", false),
        ]
        for call in calls {
            try await call.run()
            let sent = try lastRequest(fake)
            #expect(sent.method == call.method, "\(call.name)")
            #expect(sent.target == call.target, "\(call.name)")
            #expect(sent.signed == call.signed, "\(call.name)")
        }
        #expect(fake.failures.isEmpty)
    }
}

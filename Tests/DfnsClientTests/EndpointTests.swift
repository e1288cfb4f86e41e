import DfnsClient
import DfnsCrypto
import DfnsCurlTransport
import DfnsEncoding
import DfnsLocking
import DfnsProtocol
import DfnsTestHTTPServer
import Testing

/// The typed endpoints against the fake API on loopback: the paths, bodies and outcomes.
@Suite("Dfns endpoints on loopback")
struct EndpointTests {
    private func client(_ fake: FakeDfnsServer) throws -> DfnsAPIClient {
        DfnsAPIClient(baseURL: try BaseURL(fake.baseURL), transport: CurlTransport(), authToken: "sa-token",
                      signer: try fake.keySigner(),
                      retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.01))
    }

    @Test("wallet creation: delegateTo and a generated externalId, signed")
    func createWallet() async throws {
        let fake = try FakeDfnsServer { request, _ in
            .json(#"{"id":"wa-2","network":"Bitcoin","signingKey":{"id":"key-2","scheme":"ECDSA","curve":"secp256k1","publicKey":"02bb","delegatedTo":"us-1"},"status":"Active"}"#)
        }
        let wallet = try await client(fake).wallets.create(network: "Bitcoin", name: "savings", delegateTo: "us-1")
        #expect(wallet.signingKey.delegatedTo == "us-1")
        let sent = try JSONParser().parse(try #require(fake.requests("POST", "/wallets").first).body)
        #expect(sent["delegateTo"]?.stringValue == "us-1")
        #expect(sent["externalId"]?.stringValue?.hasPrefix("dfns-bridge-") == true)
        #expect(fake.failures.isEmpty)
    }

    @Test("key signatures: Signed is completed, 202 is pending with its approval, Failed and Rejected are failures")
    func signatureOutcomes() async throws {
        let answers = Locked([
            (200, #"{"id":"s1","keyId":"k","status":"Signed","signature":{"r":"0x01","s":"0x02","recid":1}}"#),
            (202, #"{"id":"s2","keyId":"k","status":"Pending","approvalId":"ap-9"}"#),
            (200, #"{"id":"s3","keyId":"k","status":"Failed","reason":"chain error"}"#),
            (200, #"{"id":"s4","keyId":"k","status":"Rejected"}"#),
        ])
        let fake = try FakeDfnsServer { _, canonical in
            guard canonical == "/keys/k/signatures" else { return .text(status: 404, "no") }
            let (status, body) = answers.withLock { $0.removeFirst() }
            return .json(status: status, body)
        }
        var client = try client(fake)
        client.verifyReturnedSignatures = false   // the canned signature above is not a real one
        let keys = client.keys
        let digest = [UInt8](repeating: 0xab, count: 32)
        guard case .completed(let signed) = try await keys.sign("k", .hash(digest)) else { Issue.record("not completed"); return }
        #expect(signed.signature?.recid == 1)
        guard case .pending(_, let approvalId) = try await keys.sign("k", .hash(digest)) else { Issue.record("not pending"); return }
        #expect(approvalId == "ap-9")
        guard case .failed(_, let status, let reason) = try await keys.sign("k", .message([1, 2])) else { Issue.record("not failed"); return }
        #expect(status == "Failed" && reason == "chain error")
        guard case .failed(_, let rejected, _) = try await keys.sign("k", .hash(digest)) else { Issue.record("not rejected"); return }
        #expect(rejected == "Rejected")
        let bodies = try fake.requests("POST", "/keys/k/signatures").map { try JSONParser().parse($0.body) }
        #expect(bodies[0]["kind"]?.stringValue == "Hash")
        #expect(bodies[0]["hash"]?.stringValue == "0x" + Hex.encode(digest))
        #expect(bodies[2]["message"]?.stringValue == "0x0102")
        #expect(Set(bodies.compactMap { $0["externalId"]?.stringValue }).count == 4)
    }

    @Test("returned signatures are checked against the key by default: secp256k1 by recovery, Ed25519 directly")
    func returnedSignaturesVerified() async throws {
        let secp = try PrivateKey.generate(.ec(.secp256k1))
        let ed = try PrivateKey.generate(.ed25519)
        guard case .ec(_, let x, let y)? = secp.publicKey.components, case .okp(_, let edPublic)? = ed.publicKey.components else {
            Issue.record("no key components"); return
        }
        let secpHex = "0x04" + Hex.encode(x + y)
        let tamper = Locked(false)
        let fake = try FakeDfnsServer { request, canonical in
            switch (request.method, canonical) {
            case ("GET", "/keys/k1"):
                return .json(#"{"id":"k1","scheme":"ECDSA","curve":"secp256k1","publicKey":""# + secpHex + #""}"#)
            case ("GET", "/keys/k2"):
                return .json(#"{"id":"k2","scheme":"EdDSA","curve":"ed25519","publicKey":""# + Hex.encode(edPublic) + #""}"#)
            case ("POST", "/keys/k1/signatures"):
                guard let body = try? JSONParser().parse(request.body), let hash = body["hash"]?.stringValue,
                      let digest = try? Hex.decode(hash, allowPrefix: true),
                      let (compact, recid) = try? secp.signRecoverableSecp256k1(digest: digest) else { return .text(status: 400, "bad") }
                var r = Array(compact.prefix(32))
                if tamper.withLock({ $0 }) { r[31] ^= 1 }
                return .json(#"{"id":"s","keyId":"k1","status":"Signed","signature":{"r":"0x"# + Hex.encode(r)
                             + #"","s":"0x"# + Hex.encode(compact.suffix(32)) + #"","recid":"# + String(recid) + "}}")
            case ("POST", "/keys/k2/signatures"):
                guard let body = try? JSONParser().parse(request.body), let message = body["message"]?.stringValue,
                      let bytes = try? Hex.decode(message, allowPrefix: true),
                      let signature = try? ed.sign(bytes, algorithm: .edDSA) else { return .text(status: 400, "bad") }
                return .json(#"{"id":"s","keyId":"k2","status":"Signed","signature":{"r":"0x"# + Hex.encode(signature.prefix(32))
                             + #"","s":"0x"# + Hex.encode(signature.suffix(32)) + #""}}"#)
            default:
                return .text(status: 404, "no")
            }
        }
        let keys = try client(fake).keys
        let digest = Array((0..<32).map { UInt8($0) })
        guard case .completed = try await keys.sign("k1", .hash(digest)) else { Issue.record("secp256k1 not completed"); return }
        guard case .completed = try await keys.sign("k1", .hash(digest.reversed())) else { Issue.record("secp256k1 not completed"); return }
        // The key is fetched once per client, not once per signature.
        #expect(fake.requests("GET", "/keys/k1").count == 1)
        guard case .completed = try await keys.sign("k2", .message(Array("hello".utf8))) else { Issue.record("ed25519 not completed"); return }
        // The delegated path checks what comes back too: the end user's device signs the user
        // action, the backend (no signer) completes it, and a good signature is handed out...
        let backend = DfnsAPIClient(baseURL: try BaseURL(fake.baseURL), transport: CurlTransport(), authToken: "sa-token")
        let device = try fake.keySigner()
        let body = Array(#"{"kind":"Hash","hash":"0x"#.utf8) + Array(Hex.encode(digest).utf8) + Array(#""}"#.utf8)
        let good = try await backend.delegatedInit(.post, "/keys/k1/signatures", body: body)
        _ = try await backend.delegatedComplete(good, firstFactor: try await device.sign(good.challenge))
        tamper.withLock { $0 = true }
        await #expect {
            _ = try await keys.sign("k1", .hash(digest))
        } throws: { error in
            guard case DfnsError.signatureVerification = error else { return false }
            return true
        }
        // ... and a bad one is refused, on the delegated path and through checkReturnedSignature.
        let bad = try await backend.delegatedInit(.post, "/keys/k1/signatures", body: body)
        await #expect {
            _ = try await backend.delegatedComplete(bad, firstFactor: try await device.sign(bad.challenge))
        } throws: { error in
            guard case DfnsError.signatureVerification = error else { return false }
            return true
        }
        let raw = try await client(fake).send(.post, "/keys/k1/signatures", body: body)   // a raw send checks nothing
        await #expect {
            try await backend.checkReturnedSignature(in: raw, method: .post, path: "/keys/k1/signatures?source=raw", body: body)
        } throws: { error in
            guard case DfnsError.signatureVerification = error else { return false }
            return true
        }
        // Other paths, and the option off, are left alone.
        try await backend.checkReturnedSignature(in: raw, method: .post, path: "/keys/k1/signatures/s1", body: body)
        try await backend.checkReturnedSignature(in: raw, method: .post, path: "/wallets/k1/signatures", body: body)
        var trusting = backend
        trusting.verifyReturnedSignatures = false
        try await trusting.checkReturnedSignature(in: raw, method: .post, path: "/keys/k1/signatures", body: body)
        #expect(fake.failures.isEmpty)
    }

    @Test("approvals: listed across pages and decided with a signed request")
    func approvals() async throws {
        let fake = try FakeDfnsServer { request, canonical in
            switch (request.method, canonical) {
            case ("GET", "/v2/policy-approvals"):
                return request.query == nil
                    ? .json(#"{"items":[{"id":"ap-1","status":"Pending"}],"nextPageToken":"n"}"#)
                    : .json(#"{"items":[{"id":"ap-2","status":"Pending"}]}"#)
            case ("POST", "/v2/policy-approvals/ap-1/decisions"):
                return .json(#"{"id":"ap-1","status":"Approved"}"#)
            default:
                return .text(status: 404, "no")
            }
        }
        let policies = try client(fake).policies
        var ids: [String] = []
        for try await approval in policies.approvals() { ids.append(approval["id"]?.stringValue ?? "") }
        #expect(ids == ["ap-1", "ap-2"])
        let decided = try await policies.decide("ap-1", approve: true, reason: "ok")
        #expect(decided["status"]?.stringValue == "Approved")
        #expect(try JSONParser().parse(try #require(fake.requests("POST", "/v2/policy-approvals/ap-1/decisions").first).body)
                == .object([("value", .string("Approved")), ("reason", .string("ok"))]))
        #expect(fake.failures.isEmpty)
    }

    @Test("delegated registration and login are signed; registration completion uses the temporary token, unsigned")
    func registrationAndLogin() async throws {
        let fake = try FakeDfnsServer { request, canonical in
            switch canonical {
            case "/auth/registration/delegated":
                return .json(#"{"temporaryAuthenticationToken":"tmp-1","challenge":"Y2g","user":{"id":"us-1","name":"a@b.c","displayName":"a@b.c"}}"#)
            case "/auth/registration/enduser":
                return .json(#"{"user":{"id":"us-1"},"authentication":{"token":"end-user-token"},"wallets":[{"id":"wa-1"}]}"#)
            case "/auth/login/delegated":
                return .json(#"{"token":"delegated-token"}"#)
            default:
                return .text(status: 404, "no")
            }
        }
        let client = try client(fake)
        let challenge = try await client.registration.delegated(email: "a@b.c")
        let temporary = try #require(challenge["temporaryAuthenticationToken"]?.stringValue)
        let credential: JSONValue = .object([("credentialKind", .string("Key")), ("credentialInfo", .object([]))])
        let done = try await client.registration.completeEndUser(temporaryAuthenticationToken: temporary, firstFactorCredential: credential,
                                                                 wallets: [(network: "EthereumSepolia", name: nil)])
        #expect(done["authentication"]?["token"]?.stringValue == "end-user-token")
        let completion = try #require(fake.requests("POST", "/auth/registration/enduser").first)
        #expect(completion.headers["Authorization"] == "Bearer tmp-1")
        #expect(completion.headers["X-DFNS-USERACTION"] == nil)
        #expect(try await client.login.delegated(username: "a@b.c") == "delegated-token")
        #expect(fake.requests("POST", "/auth/login/delegated").first?.headers["X-DFNS-USERACTION"] != nil)
        #expect(fake.requests("POST", "/auth/action/init").count == 2)
        #expect(fake.failures.isEmpty)
    }

    @Test("the user-action rules of the protocol")
    func userActionRules() {
        #expect(UserActionRules.requiresUserAction(method: "POST", canonicalPath: "/wallets"))
        #expect(UserActionRules.requiresUserAction(method: "delete", canonicalPath: "/auth/pats/to-1"))
        #expect(UserActionRules.requiresUserAction(method: "PUT", canonicalPath: "/auth/credentials/activate"))
        #expect(!UserActionRules.requiresUserAction(method: "GET", canonicalPath: "/wallets"))
        #expect(!UserActionRules.requiresUserAction(method: "POST", canonicalPath: "/auth/action/init"))
        #expect(!UserActionRules.requiresUserAction(method: "POST", canonicalPath: "/auth/registration/enduser"))
        #expect(!UserActionRules.requiresUserAction(method: "POST", canonicalPath: "/networks/Ethereum/call-function"))
        #expect(UserActionRules.requiresUserAction(method: "POST", canonicalPath: "/networks/Ethereum/call-function/x"))
        #expect(UserActionRules.isUnauthenticated(method: "POST", canonicalPath: "/auth/login/init"))
        #expect(UserActionRules.isSafeToRetry(method: "POST", canonicalPath: "/auth/action/init"))
        #expect(!UserActionRules.isSafeToRetry(method: "POST", canonicalPath: "/auth/action"))
        #expect(CanonicalPath.of("/gw/wallets?limit=10#x", removingPrefix: "/gw/") == "/wallets")
        #expect(CanonicalPath.of("/gwx/wallets", removingPrefix: "/gw") == nil)
        #expect(CanonicalPath.of("wallets") == nil)
        #expect(CanonicalPath.escapeSegment("a/b?c é") == "a%2Fb%3Fc%20%C3%A9")
    }
}

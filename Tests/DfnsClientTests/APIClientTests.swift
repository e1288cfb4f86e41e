import DfnsClient
import DfnsCrypto
import DfnsCurlTransport
import DfnsEncoding
import DfnsLocking
import DfnsProtocol
import DfnsTestHTTPServer
import Testing

/// The client against a real HTTP server on loopback (libcurl transport): user-action signing,
/// errors, 202, pagination, retries and delegated signing.
@Suite("Dfns API client on loopback")
struct APIClientTests {
    private func client(_ fake: FakeDfnsServer, signed: Bool = true, retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)) throws -> DfnsAPIClient {
        DfnsAPIClient(baseURL: try BaseURL(fake.baseURL), transport: CurlTransport(), authToken: "sa-token",
                      signer: try signed ? fake.keySigner() : nil,
                      retryPolicy: retry)
    }

    private static let wallet = #"{"id":"wa-1","network":"EthereumSepolia","signingKey":{"id":"key-1","scheme":"ECDSA","curve":"secp256k1","publicKey":"02aa"},"status":"Active","unknownMember":{"x":1}}"#

    @Test("a write is signed: the challenge binds method, canonical path and the exact body; the request carries the token")
    func automaticUserAction() async throws {
        let fake = try FakeDfnsServer(prefix: "/gw") { request, canonical in
            canonical == "/wallets" ? .json(status: 200, APIClientTests.wallet) : .text(status: 404, "no")
        }
        let client = try client(fake)
        // Non-ASCII text and an escaped slash: the bytes signed must be the bytes sent.
        let body = Array(#"{"network":"EthereumSepolia","name":"Renée's wallet \/ 1","externalId":"ext-1"}"#.utf8)
        let response = try await client.send(.post, "/wallets?limit=1", body: body)
        #expect(response.status == 200)
        let wallet = try response.decode(Wallet.self)
        #expect(wallet.id == "wa-1" && wallet.signingKey.id == "key-1")
        #expect(fake.failures.isEmpty)

        let inits = fake.requests("POST", "/auth/action/init")
        #expect(inits.count == 1)
        let initBody = try JSONParser().parse(inits[0].body)
        #expect(initBody["userActionHttpMethod"]?.stringValue == "POST")
        #expect(initBody["userActionHttpPath"]?.stringValue == "/wallets")   // no prefix, no query
        #expect(initBody["userActionPayload"]?.stringValue.map { Array($0.utf8) } == body)
        #expect(inits[0].headers["Authorization"] == "Bearer sa-token")

        let writes = fake.requests("POST", "/wallets")
        #expect(writes.count == 1)
        #expect(writes[0].body == body)
        #expect(writes[0].query == "limit=1")
        #expect(writes[0].headers["X-DFNS-USERACTION"] == "ua-token-2")
        #expect(writes[0].headers["Content-Type"] == "application/json")
        #expect(writes[0].headers["User-Agent"]?.hasPrefix("dfns-bridge/") == true)
    }

    @Test("reads are not signed; a client without a signer refuses a write before sending anything")
    func readsAndMissingSigner() async throws {
        let fake = try FakeDfnsServer { _, canonical in
            canonical == "/wallets/wa-1" ? .json(APIClientTests.wallet) : .text(status: 404, "no")
        }
        let client = try client(fake, signed: false)
        let wallet = try await client.send(.get, "/wallets/wa-1").decode(Wallet.self)
        #expect(wallet.network == "EthereumSepolia")
        await #expect {
            _ = try await client.send(.post, "/wallets", json: .object([("network", .string("Bitcoin"))]))
        } throws: { error in
            guard case DfnsError.signerRequired(let method, let path) = error else { return false }
            return method == "POST" && path == "/wallets"
        }
        #expect(fake.requests("POST", "/auth/action/init").isEmpty)
        #expect(fake.server.requests.count == 1)
    }

    @Test("an error envelope becomes an API error with status, id, message, details and request id")
    func errorEnvelope() async throws {
        let fake = try FakeDfnsServer { _, _ in
            .respond(status: 409, headers: ["Content-Type": "application/json", "X-Request-ID": "req-42"],
                     body: Array(#"{"error":{"id":"Conflict","status":409,"message":"Conflicting transfer with same externalId","details":{"duplicate":{"id":"xfr-1"}}}}"#.utf8))
        }
        let client = try client(fake)
        do {
            _ = try await client.send(.post, "/wallets/wa-1/transfers", json: .object([("kind", .string("Native")), ("externalId", .string("x"))]))
            Issue.record("no error")
        } catch DfnsError.api(let error) {
            #expect(error.status == 409)
            #expect(error.errorId == "Conflict")
            #expect(error.message == "Conflicting transfer with same externalId")
            #expect(error.details?["duplicate"]?["id"]?.stringValue == "xfr-1")
            #expect(error.requestId == "req-42")
        }
        // 409 is not retried, even with an externalId.
        #expect(fake.requests("POST", "/wallets/wa-1/transfers").count == 1)
    }

    @Test("the older error shapes and a non-JSON error body are read without failing")
    func olderErrorShapes() async throws {
        let bodies = [#"{"error":{"message":"old style"}}"#, #"{"message":"top level","details":{"a":1}}"#, "<html>bad gateway</html>"]
        for body in bodies {
            let fake = try FakeDfnsServer { _, _ in .respond(status: 400, body: Array(body.utf8)) }
            do {
                _ = try await client(fake).send(.get, "/wallets")
                Issue.record("no error")
            } catch DfnsError.api(let error) {
                #expect(error.status == 400)
                #expect(error.body == Array(body.utf8))
                if body.hasPrefix("<") { #expect(error.message == nil) } else { #expect(error.message != nil) }
            }
        }
    }

    @Test("202 is a pending answer carrying the entity, not an error")
    func pendingApproval() async throws {
        let fake = try FakeDfnsServer { _, _ in
            .json(status: 202, #"{"id":"sig-1","keyId":"key-1","status":"Pending","approvalId":"ap-1","requestBody":{"kind":"Hash","hash":"0x00"}}"#)
        }
        let response = try await client(fake).send(.post, "/keys/key-1/signatures", json: .object([("kind", .string("Hash")), ("hash", .string("0x00"))]))
        #expect(response.isPendingApproval)
        let signature = try response.decode(KeySignature.self)
        #expect(signature.lifecycle == .pending && signature.approvalId == "ap-1")
    }

    @Test("pagination follows nextPageToken across pages and stops at the last")
    func pagination() async throws {
        let fake = try FakeDfnsServer { request, _ in
            switch request.query {
            case "limit=2": return .json(#"{"items":[{"id":"w1"},{"id":"w2"}],"nextPageToken":"t%2F1"}"#)
            case "limit=2&paginationToken=t%252F1": return .json(#"{"items":[{"id":"w3"},{"id":"w4"}],"nextPageToken":"t2"}"#)
            case "limit=2&paginationToken=t2": return .json(#"{"items":[{"id":"w5"}]}"#)
            default: return .text(status: 400, "unexpected query \(request.query ?? "")")
            }
        }
        struct Item: Decodable, Sendable { let id: String }
        var ids: [String] = []
        for try await item in PageSequence<Item>(client: try client(fake), path: "/wallets", limit: 2) {
            ids.append(item.id)
        }
        #expect(ids == ["w1", "w2", "w3", "w4", "w5"])
        #expect(fake.server.requests.count == 3)
    }

    @Test("a repeated nextPageToken ends iteration with an error instead of looping")
    func paginationLoop() async throws {
        let fake = try FakeDfnsServer { _, _ in .json(#"{"items":[{"id":"w1"}],"nextPageToken":"same"}"#) }
        struct Item: Decodable, Sendable { let id: String }
        await #expect(throws: DfnsError.self) {
            for try await _ in PageSequence<Item>(client: try client(fake), path: "/wallets") {}
        }
        #expect(fake.server.requests.count == 2)
    }

    @Test("reads are retried on 429 (Retry-After honoured) and 5xx; then succeed")
    func retriesOnReads() async throws {
        let calls = Locked(0)
        let fake = try FakeDfnsServer { _, _ in
            let n = calls.withLock { $0 += 1; return $0 }
            switch n {
            case 1: return .respond(status: 429, headers: ["Retry-After": "0"], body: Array(#"{"error":{"message":"slow down"}}"#.utf8))
            case 2: return .text(status: 503, "unavailable")
            default: return .json(APIClientTests.wallet)
            }
        }
        let wallet = try await client(fake).send(.get, "/wallets/wa-1").decode(Wallet.self)
        #expect(wallet.id == "wa-1")
        #expect(calls.withLock { $0 } == 3)
    }

    @Test("a signed write without externalId is never repeated; with one, each attempt gets a fresh user action and the same body")
    func retriesOnWrites() async throws {
        let calls = Locked(0)
        let fake = try FakeDfnsServer { _, _ in
            calls.withLock { $0 += 1; return $0 } == 1 ? .text(status: 502, "bad gateway") : .json(APIClientTests.wallet)
        }
        let client = try client(fake)
        await #expect(throws: DfnsError.self) {
            _ = try await client.send(.post, "/wallets", json: .object([("network", .string("Bitcoin"))]))
        }
        #expect(fake.requests("POST", "/wallets").count == 1)

        calls.withLock { $0 = 0 }
        let body = JSONWriter.bytes(.object([("network", .string("Bitcoin")), ("externalId", .string("ext-7"))]))
        _ = try await client.send(.post, "/wallets", body: body)
        let writes = fake.requests("POST", "/wallets").dropFirst()
        #expect(writes.count == 2)
        #expect(writes.allSatisfy { $0.body == body })
        let tokens = Set(writes.compactMap { $0.headers["X-DFNS-USERACTION"] })
        #expect(tokens.count == 2)
        #expect(fake.failures.count == 0)
    }

    @Test("connection refused is a transport error, after the retries of a read")
    func connectionRefused() async throws {
        let port = try TestHTTPServer.unusedLoopbackPort()
        let client = DfnsAPIClient(baseURL: try BaseURL("http://127.0.0.1:\(port)"), transport: CurlTransport(),
                                   retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.01))
        do {
            _ = try await client.send(.get, "/wallets")
            Issue.record("no error")
        } catch DfnsError.transport(let error) {
            #expect(error.kind == .connectionRefused)
        }
    }

    @Test("a success body that is not what the endpoint returns is an invalid response")
    func invalidSuccessBody() async throws {
        let fake = try FakeDfnsServer { _, _ in .text(status: 200, "not json") }
        let response = try await client(fake).send(.get, "/wallets/wa-1")
        #expect(throws: DfnsError.self) { try response.decode(Wallet.self) }
        #expect(throws: DfnsError.self) { try response.json() }
    }

    @Test("delegated: init hands out the challenge, the request survives a JSON round trip, complete sends it as it was")
    func delegated() async throws {
        let fake = try FakeDfnsServer { _, canonical in
            canonical == "/keys/key-1/signatures"
                ? .json(#"{"id":"sig-9","keyId":"key-1","status":"Signed","signature":{"r":"0x01","s":"0x02","recid":0}}"#)
                : .text(status: 404, "no")
        }
        // The server side holds no signer at all.
        var server = try client(fake, signed: false)
        server.verifyReturnedSignatures = false   // the canned signature above is not a real one
        let body = JSONWriter.bytes(.object([("kind", .string("Hash")), ("hash", .string("0x" + String(repeating: "ab", count: 32)))]))
        let pending = try await server.delegatedInit(.post, "/keys/key-1/signatures", body: body)
        #expect(pending.challenge.allowedKeyCredentialIds == [fake.credentialId])
        // Stored and restored, as a server would across processes.
        let stored = JSONEncoderShim.string(pending)
        let restored = try JSONDecoderShim.decode(DelegatedRequest.self, Array(stored.utf8))
        #expect(restored == pending)
        // The end user's device signs the challenge.
        let device = try fake.keySigner()
        let firstFactor = try await device.sign(restored.challenge)
        let response = try await server.delegatedComplete(restored, firstFactor: firstFactor)
        #expect(try response.decode(KeySignature.self).lifecycle == .signed)
        #expect(fake.requests("POST", "/keys/key-1/signatures").first?.body == body)
        #expect(fake.failures.isEmpty)
        // The challenge is single use: completing again fails at /auth/action.
        await #expect(throws: DfnsError.self) {
            _ = try await server.delegatedComplete(restored, firstFactor: firstFactor)
        }
    }

    @Test("bad arguments are refused before anything is sent", arguments: [
        ("GET", "wallets", nil as String?),
        ("GET", "/wallets with space", nil),
        ("GET", "/wallets", "{}"),
        ("POST", "/wallets", "{not json"),
        ("POST", "/wallets", #"{"a":1,"a":2}"#),
    ])
    func badArguments(_ input: (String, String, String?)) async throws {
        let fake = try FakeDfnsServer { _, _ in .json("{}") }
        let client = try client(fake)
        await #expect(throws: DfnsError.self) {
            _ = try await client.send(HTTPMethod(rawValue: input.0) ?? .get, input.1, body: input.2.map { Array($0.utf8) })
        }
        #expect(fake.server.requests.isEmpty)
    }

    @Test("base URLs: regions, white-label hosts and prefixes; http only on loopback")
    func baseURLs() throws {
        let gateway = try BaseURL("https://gateway.example.com/dfns/")
        #expect(gateway.pathPrefix == "/dfns")
        #expect(gateway.url(for: "/wallets?limit=1") == "https://gateway.example.com/dfns/wallets?limit=1")
        #expect(try BaseURL("http://127.0.0.1:8080").url(for: "/x") == "http://127.0.0.1:8080/x")
        #expect(try BaseURL("http://[::1]:9/").host == "[::1]")
        for bad in ["ftp://x", "http://example.com", "https://", "https://h/p?q", "https://u@h", "api.dfns.io"] {
            #expect(throws: DfnsError.self, "\(bad)") { try BaseURL(bad) }
        }
        #expect(try BaseURL("http://example.com", allowInsecureHTTP: true).scheme == "http")
    }
}

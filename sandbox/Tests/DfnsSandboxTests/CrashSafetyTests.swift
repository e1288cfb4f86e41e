import DfnsClient
import DfnsCrypto
import DfnsCurlTransport
import DfnsEncoding
@testable import DfnsSandbox
import Foundation
import GRDB
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built `dfns-sandbox` is killed with SIGKILL in the middle of a stream of user actions and
/// restarted on the same SQLite file, a few rounds over.
///
/// The stream: several workers each create webhooks (`POST /webhooks`, a user action), every
/// request body unique (its `description`), recording each body before it is sent and each webhook
/// id once its creation is acknowledged (a 200 answer read by the client). After enough
/// acknowledgements, with requests still in flight, the process is killed.
///
/// Invariants checked on the database after each kill (every request of the stream is valid, so no
/// refusal can explain a consumed token without its effect):
/// 1. **Durability**: every acknowledged webhook exists, with the description it was created with.
/// 2. **No half-applied action**: every webhook row was created by a body the test sent, and exactly
///    one audit entry `POST /webhooks` carries that body's SHA-256; there are as many such entries
///    as webhook rows (no entry without its effect, no effect without its entry).
/// 3. **Tokens**: a user-action token for `POST /webhooks` is consumed (`usedAt` set) if and only if
///    the SHA-256 of its signed payload is the payload hash of an audit entry (and so, by 2, its
///    webhook exists): a token is never spent without its effect, nor an effect applied without
///    spending its token. Tokens of requests cut off by the kill are simply unused.
/// 4. **Chain**: ``AuditLog/verify(_:)`` finds the chain intact over every entry.
/// At the end the server is restarted once more to show the acknowledged webhooks through the API
/// and `GET /audit/verify`, stopped with SIGTERM, and `dfns-sandbox audit verify --db` exits 0.
@Suite(.serialized) struct CrashSafetyTests {
    /// Bodies sent and webhooks acknowledged by the workers of all rounds.
    actor Ledger {
        var sent: [String: [UInt8]] = [:]          // description → exact body
        var acknowledged: [String: String] = [:]   // webhook id → description
        var acknowledgedThisRound = 0
        var sentThisRound = 0

        func willSend(_ description: String, _ body: [UInt8]) {
            sent[description] = body
            sentThisRound += 1
        }
        func acknowledge(_ id: String, _ description: String) {
            acknowledged[id] = description
            acknowledgedThisRound += 1
        }
        func startRound() {
            acknowledgedThisRound = 0
            sentThisRound = 0
        }
    }

    static func client(_ bootstrap: JSONValueBox) throws -> DfnsAPIClient {
        let transport = CurlTransport(configuration: CurlTransportConfiguration(
            connectTimeout: .seconds(5), timeout: .seconds(30), proxy: .disabled))
        let signer = KeySigner(credential: try KeyCredential(privateKeyPEM: bootstrap["privateKeyPem"], credentialId: bootstrap["credId"]))
        return DfnsAPIClient(baseURL: try BaseURL(bootstrap["baseUrl"], allowInsecureHTTP: true), transport: transport,
                             authToken: bootstrap["serviceAccountToken"], signer: signer, retryPolicy: RetryPolicy(maxAttempts: 1))
    }

    /// Checks invariants 1 to 4 on the database file (the server is not running).
    static func checkInvariants(database path: String, ledger: Ledger, round: Int) async throws {
        let sent = await ledger.sent
        let acknowledged = await ledger.acknowledged
        let database = try AppDatabase(path: path)
        let (webhooks, audit, tokens, verification) = try await database.writer.read { db in
            (try WebhookRecord.fetchAll(db),
             try AuditEntry.filter(Column("httpMethod") == "POST" && Column("httpPath") == "/webhooks").fetchAll(db),
             try UserActionTokenRecord.filter(Column("httpMethod") == "POST" && Column("httpPath") == "/webhooks").fetchAll(db),
             try AuditLog.verify(db))
        }
        let rows = Dictionary(uniqueKeysWithValues: webhooks.map { ($0.id, $0) })
        // 1. Durability.
        for (id, description) in acknowledged {
            #expect(rows[id]?.description == description, "round \(round): acknowledged webhook \(id) (\(description)) is missing")
        }
        // 2. Each webhook has exactly one audit entry with its body's hash, and vice versa.
        var auditHashes: [String: Int] = [:]
        for entry in audit { auditHashes[entry.payloadHash, default: 0] += 1 }
        #expect(audit.count == webhooks.count, "round \(round): \(audit.count) audit entries for \(webhooks.count) webhooks")
        for hook in webhooks {
            guard let description = hook.description, let body = sent[description] else {
                Issue.record("round \(round): webhook \(hook.id) was not created by a body this test sent")
                continue
            }
            #expect(auditHashes[HooksTestKit.sha256Hex(body)] == 1, "round \(round): webhook \(hook.id) has no single audit entry")
        }
        // 3. Consumed ⇔ audited.
        for token in tokens {
            let audited = auditHashes[HooksTestKit.sha256Hex(Array(token.payload.utf8))] != nil
            #expect((token.usedAt != nil) == audited,
                    "round \(round): token consumed \(token.usedAt != nil) but its action audited \(audited)")
        }
        // 4. The chain.
        #expect(verification.isIntact, "round \(round): \(String(describing: verification.firstBroken))")
        try database.writer.close()
    }

    @Test(.enabled(if: SandboxBinary.path != nil, "the dfns-sandbox executable was not built next to the tests"),
          .timeLimit(.minutes(5)))
    func aKilledSandboxLosesNoAcknowledgedActionAndHalfAppliesNone() async throws {
        let directory = try HooksTestKit.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("sandbox.sqlite").path
        let bootstrapPath = directory.appendingPathComponent("bootstrap.json").path
        let log = directory.appendingPathComponent("sandbox.log").path
        let ledger = Ledger()
        let rounds = 3
        let workers = 4

        for round in 1...rounds {
            let server = try SandboxProcess.start(database: database, bootstrap: bootstrapPath, log: log)
            let bootstrap: JSONValueBox
            do {
                bootstrap = try await server.bootstrap()
            } catch {
                try? await server.stop(signal: SIGKILL)
                throw error
            }
            let client = try Self.client(bootstrap)
            await ledger.startRound()
            let target = Int.random(in: 5...12)

            let stream = Task {
                await withTaskGroup(of: Void.self) { group in
                    for worker in 0..<workers {
                        group.addTask {
                            var index = 0
                            while !Task.isCancelled {
                                index += 1
                                let description = "round \(round) worker \(worker) #\(index)"
                                let body = HooksTestKit.webhookBody(description: description)
                                await ledger.willSend(description, body)
                                guard let answer = try? await client.send(.post, "/webhooks", body: body).json(),
                                      let id = answer["id"]?.stringValue else { return }  // the server is gone
                                await ledger.acknowledge(id, description)
                            }
                        }
                    }
                }
            }
            let reached = await HooksTestKit.eventually(timeout: 60) { await ledger.acknowledgedThisRound >= target }
            // Kill while the workers still have requests in flight.
            try await server.stop(signal: SIGKILL)
            _ = await stream.value
            let (count, sentCount) = (await ledger.acknowledgedThisRound, await ledger.sentThisRound)
            #expect(reached, "round \(round): only \(count) acknowledgements; server output:\n\(server.output())")
            // Some requests were cut off by the kill (each worker has one in flight at any time).
            #expect(sentCount > count, "round \(round): no request was in flight when the server was killed")
            #expect(server.process.terminationReason == .uncaughtSignal)
            try await Self.checkInvariants(database: database, ledger: ledger, round: round)
        }

        // Once more, gracefully: everything acknowledged is served, and the chain verifies.
        let server = try SandboxProcess.start(database: database, bootstrap: bootstrapPath, log: log)
        do {
            let client = try Self.client(try await server.bootstrap())
            var listed = Set<String>()
            for try await item in client.webhooks.list(limit: 50) { listed.insert(item["id"]?.stringValue ?? "") }
            let acknowledged = await ledger.acknowledged
            #expect(Set(acknowledged.keys).isSubset(of: listed))
            #expect(acknowledged.count >= rounds * 5)
            let verification = try await client.send(.get, "/audit/verify").json()
            #expect(verification["intact"] == .bool(true))
            #expect(verification["entries"]?.int64Value == Int64(listed.count))
        } catch {
            try? await server.stop(signal: SIGKILL)
            throw error
        }
        try await server.stop(signal: SIGTERM)
        #expect(server.process.terminationStatus == 0 || server.process.terminationReason == .uncaughtSignal)
        let cli = try await SandboxBinary.run(["audit", "verify", "--db", database])
        #expect(cli.status == 0, "\(cli.output)")
        #expect(cli.output.contains("chain intact"))
    }
}

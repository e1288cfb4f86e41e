import DfnsClient
import DfnsCrypto
import DfnsEncoding
@testable import DfnsSandbox
import Foundation
import GRDB
import Testing

/// The append-only, hash-chained audit log: what is appended, `GET /auth/action/logs`,
/// `GET /audit/verify` (sandbox only), and tampering found by the API and by
/// `dfns-sandbox audit verify --db`.
@Suite struct AuditTests {
    /// Creates `count` webhooks through the API and returns the exact bodies sent.
    static func createWebhooks(_ sandbox: TestSandbox, count: Int) async throws -> [[UInt8]] {
        let client = try sandbox.serviceAccountClient()
        var bodies: [[UInt8]] = []
        for index in 0..<count {
            let body = HooksTestKit.webhookBody(description: "audit \(index)")
            _ = try await client.send(.post, "/webhooks", body: body)
            bodies.append(body)
        }
        return bodies
    }

    /// Lets a test change the log as an attacker with the file would: without the triggers.
    static func dropAppendOnlyTriggers(_ db: Database) throws {
        try db.execute(sql: "DROP TRIGGER auditEntry_no_update; DROP TRIGGER auditEntry_no_delete")
    }

    static func verification(_ sandbox: TestSandbox) async throws -> JSONValue {
        try await sandbox.serviceAccountClient().send(.get, "/audit/verify").json()
    }

    @Test func acceptedUserActionsAreAuditedAndRefusedOnesAreNot() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let signer = try sandbox.serviceAccountSigner()
            let body = HooksTestKit.webhookBody(description: "accepted")
            let created = try await client.send(.post, "/webhooks", body: body).json()
            #expect(created["id"]?.stringValue != nil)

            let entries = try await sandbox.read { db in try AuditEntry.order(Column("seq")).fetchAll(db) }
            #expect(entries.count == 1)
            let entry = try #require(entries.first)
            let credentialUuid = try await sandbox.read { db in
                try String.fetchOne(db, sql: "SELECT uuid FROM credential WHERE userId = ?", arguments: [sandbox.serviceAccountId])
            }
            #expect(entry.seq == 1)
            #expect(entry.orgId == sandbox.orgId)
            #expect(entry.userId == sandbox.serviceAccountId)
            #expect(entry.credentialUuid == credentialUuid)
            #expect(entry.httpMethod == "POST")
            #expect(entry.httpPath == "/webhooks")
            #expect(entry.payloadHash == HooksTestKit.sha256Hex(body))
            #expect(entry.previousHash == AuditLog.genesisHash)
            #expect(entry.entryHash == AuditLog.hash(of: entry))

            // Refused: a payload that differs from the one signed (middleware), an invalid body
            // (controller, rolled back), a user who may not (controller), a replayed token.
            let token = try await HooksTestKit.userActionToken(client, signer, .post, "/webhooks", body: body)
            _ = await HooksTestKit.apiError {
                _ = try await client.send(.post, "/webhooks", body: HooksTestKit.webhookBody(description: "other"), userActionToken: token)
            }
            _ = await HooksTestKit.apiError { _ = try await client.webhooks.create(url: "https://example.com", events: ["nope"]) }
            let endUser = try await EndUserFixture.create(in: sandbox)
            _ = await HooksTestKit.apiError { _ = try await endUser.client(in: sandbox).webhooks.create(url: "https://example.com", events: ["*"]) }
            let used = try await HooksTestKit.userActionToken(client, signer, .post, "/webhooks", body: body)
            _ = try await client.send(.post, "/webhooks", body: body, userActionToken: used)
            _ = await HooksTestKit.apiError { _ = try await client.send(.post, "/webhooks", body: body, userActionToken: used) }

            #expect(try await sandbox.count("auditEntry") == 2)
            #expect(try await sandbox.count("webhook") == 2)
            let logs = try await client.send(.get, "/auth/action/logs").json()
            let items = try #require(logs["items"]?.arrayValue)
            #expect(items.count == 2)
            #expect(items.first?["payloadHash"]?.stringValue == HooksTestKit.sha256Hex(body))
            #expect(items.first?["httpPath"]?.stringValue == "/webhooks")
            #expect(items.last?["previousHash"] == items.first?["entryHash"])
            #expect(try await Self.verification(sandbox) == .object([("entries", .number("2")), ("intact", .bool(true))]))
        }
    }

    @Test func logsArePaginatedAndAUserSeesOnlyItsOwnActions() async throws {
        try await withSandbox { sandbox in
            _ = try await Self.createWebhooks(sandbox, count: 3)
            let client = try sandbox.serviceAccountClient()
            let first = try await client.send(.get, "/auth/action/logs?limit=2").json()
            #expect(first["items"]?.arrayValue?.compactMap { $0["seq"]?.int64Value } == [1, 2])
            let token = try #require(first["nextPageToken"]?.stringValue)
            let second = try await client.send(.get, "/auth/action/logs?limit=2&paginationToken=\(token)").json()
            #expect(second["items"]?.arrayValue?.compactMap { $0["seq"]?.int64Value } == [3])
            #expect(second["nextPageToken"] == nil)

            let endUser = try await EndUserFixture.create(in: sandbox)
            let own = try await endUser.client(in: sandbox).send(.get, "/auth/action/logs").json()
            #expect(own["items"]?.arrayValue?.isEmpty == true)
            let verify = await HooksTestKit.apiError { _ = try await endUser.client(in: sandbox).send(.get, "/audit/verify") }
            #expect(verify?.status == 403)
            #expect(verify?.message?.contains("Audit:Verify") == true)
        }
    }

    @Test func changingOneFieldOfAnEntryIsNamedByVerify() async throws {
        try await withSandbox { sandbox in
            _ = try await Self.createWebhooks(sandbox, count: 3)
            #expect(try await Self.verification(sandbox) == .object([("entries", .number("3")), ("intact", .bool(true))]))

            // Without the triggers' protection, the append-only table refuses nothing...
            await #expect(throws: DatabaseError.self) {
                try await sandbox.services.database.writer.write { db in
                    try db.execute(sql: "UPDATE auditEntry SET httpPath = '/wallets' WHERE seq = 2")
                }
            }
            try await sandbox.services.database.writer.write { db in
                try Self.dropAppendOnlyTriggers(db)
                try db.execute(sql: "UPDATE auditEntry SET httpPath = '/wallets' WHERE seq = 2")
            }
            // ...but the chain names the entry.
            let broken = try await Self.verification(sandbox)
            #expect(broken["intact"] == .bool(false))
            #expect(broken["entries"]?.int64Value == 2)
            #expect(broken["firstBroken"]?["seq"]?.int64Value == 2)
            #expect(broken["firstBroken"]?["reason"]?.stringValue == "entryHash does not match the entry's contents")

            // Re-hashing the changed entry moves the break to the next one.
            try await sandbox.services.database.writer.write { db in
                var entry = try #require(try AuditEntry.fetchOne(db, key: 2))
                entry.entryHash = AuditLog.hash(of: entry)
                try entry.update(db)
            }
            let moved = try await Self.verification(sandbox)
            #expect(moved["firstBroken"]?["seq"]?.int64Value == 3)
            #expect(moved["firstBroken"]?["reason"]?.stringValue == "previousHash does not match entry 2's hash")
        }
    }

    @Test func removingAnEntryIsNamedByVerify() async throws {
        try await withSandbox { sandbox in
            _ = try await Self.createWebhooks(sandbox, count: 3)
            await #expect(throws: DatabaseError.self) {
                try await sandbox.services.database.writer.write { db in try db.execute(sql: "DELETE FROM auditEntry WHERE seq = 2") }
            }
            try await sandbox.services.database.writer.write { db in
                try Self.dropAppendOnlyTriggers(db)
                try db.execute(sql: "DELETE FROM auditEntry WHERE seq = 2")
            }
            let broken = try await Self.verification(sandbox)
            #expect(broken["intact"] == .bool(false))
            #expect(broken["firstBroken"]?["seq"]?.int64Value == 3)
            #expect(broken["firstBroken"]?["reason"]?.stringValue == "expected entry 2, found 3: an entry was removed")
        }
    }

    @Test(.enabled(if: SandboxBinary.path != nil, "the dfns-sandbox executable was not built next to the tests"))
    func theCommandLineVerifiesAFileDatabaseAndNamesATamperedEntry() async throws {
        let directory = try HooksTestKit.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sandbox.sqlite").path
        let sandbox = try await TestSandbox.start { $0.databasePath = path }
        do {
            _ = try await Self.createWebhooks(sandbox, count: 3)
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()

        let intact = try await SandboxBinary.run(["audit", "verify", "--db", path])
        #expect(intact.status == 0, "\(intact.output)")
        #expect(intact.output.contains("audit: 3 entries, chain intact"))

        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try Self.dropAppendOnlyTriggers(db)
                try db.execute(sql: "UPDATE auditEntry SET payloadHash = ? WHERE seq = 2", arguments: [String(repeating: "a", count: 64)])
            }
            try queue.close()
        }
        let tampered = try await SandboxBinary.run(["audit", "verify", "--db", path])
        #expect(tampered.status == 1, "\(tampered.output)")
        #expect(tampered.output.contains("audit: chain broken at entry 2: entryHash does not match the entry's contents"))

        let missing = try await SandboxBinary.run(["audit", "verify", "--db", directory.appendingPathComponent("nothing.sqlite").path])
        #expect(missing.status != 0)
        #expect(missing.output.contains("no database at"))
    }
}

/// `dfns-sandbox --help`: every option documented, and the unencrypted-keys notice.
@Suite struct SandboxCommandHelpTests {
    @Test(.enabled(if: SandboxBinary.path != nil, "the dfns-sandbox executable was not built next to the tests"))
    func helpDocumentsEveryOptionAndTheNotice() async throws {
        let help = try await SandboxBinary.run(["--help"])
        #expect(help.status == 0, "\(help.output)")
        // ArgumentParser wraps long lines; compare without line breaks and indentation.
        let text = help.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains(SandboxApplication.notice), "\(help.output)")
        for option in ["--host", "--port", "--db", "--bootstrap-file", "--rp-id", "--origin", "--organization-name",
                       "--challenge-ttl", "--user-action-ttl", "--login-token-ttl", "--service-account-token-ttl",
                       "--max-body-bytes", "--webhook-retry-delays", "--webhook-timeout", "--log-level"] {
            #expect(text.contains(option), "dfns-sandbox --help does not document \(option)")
        }
        #expect(text.contains("audit"))
        #expect(text.contains("GET /audit/verify"))

        let verifyHelp = try await SandboxBinary.run(["audit", "verify", "--help"])
        #expect(verifyHelp.status == 0)
        #expect(verifyHelp.output.contains("--db"))
    }
}

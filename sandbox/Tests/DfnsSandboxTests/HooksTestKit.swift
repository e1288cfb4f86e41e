import DfnsClient
import DfnsCrypto
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

/// Helpers of the webhook, audit, negative and crash-safety tests.
enum HooksTestKit {
    /// Polls `condition` every 20 ms until it holds or `timeout` seconds have passed; returns
    /// whether it held. Tests wait this way, never with a fixed sleep that asserts a timing.
    static func eventually(timeout: Double = 30, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try await condition() { return true }
            if Date() >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The API error `body` threw, or nil when it succeeded or failed otherwise (recorded as an issue).
    static func apiError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> APIError? {
        do {
            try await body()
            Issue.record("the request was accepted", sourceLocation: sourceLocation)
            return nil
        } catch let error as DfnsError {
            guard case .api(let api) = error else {
                Issue.record("not an API error: \(error)", sourceLocation: sourceLocation)
                return nil
            }
            return api
        } catch {
            Issue.record("not a DfnsError: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// A user-action token for `method` `path` with `body`, signed by `signer` for `client`'s user.
    static func userActionToken(_ client: DfnsAPIClient, _ signer: any UserActionSigner, _ method: DfnsClient.HTTPMethod,
                                _ path: String, body: [UInt8]?) async throws -> String {
        let challenge = try await client.userActionChallenge(method: method, canonicalPath: path, body: body)
        let assertion = try await signer.sign(challenge)
        return try await client.userActionToken(challengeIdentifier: challenge.challengeIdentifier, firstFactor: assertion)
    }

    /// One raw HTTP exchange with the sandbox (for what the client refuses to send).
    static func raw(_ sandbox: TestSandbox, _ method: DfnsClient.HTTPMethod, _ path: String,
                    headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> (status: Int, body: JSONValue?) {
        var fields = DfnsClient.HTTPHeaders()
        for (name, value) in headers { fields.add(name: name, value: value) }
        if body != nil { fields.add(name: "Content-Type", value: "application/json") }
        let response = try await sandbox.transport.send(DfnsClient.HTTPRequest(method: method, url: sandbox.baseURL + path,
                                                                               headers: fields, body: body))
        return (response.status, try? JSONParser().parse(response.body))
    }

    /// The `error.message` of an error envelope.
    static func message(_ body: JSONValue?) -> String {
        body?["error"]?["message"]?.stringValue ?? ""
    }

    /// A webhook creation body for `url` (compact JSON, written once: the bytes signed and sent).
    static func webhookBody(url: String = "http://127.0.0.1:9/hook", events: [String] = ["*"], description: String? = nil) -> [UInt8] {
        var members: [(String, JSONValue)] = [("url", .string(url)), ("events", .array(events.map { .string($0) }))]
        if let description { members.append(("description", .string(description))) }
        return JSONWriter.bytes(.object(members))
    }

    /// Hex SHA-256, as the audit log records payloads.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(bytes))
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dfns-sandbox-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// What the tests read back from SQLite to show that a refused request changed nothing.
struct SandboxState: Equatable, CustomStringConvertible {
    var webhooks = 0
    var webhookEvents = 0
    var auditEntries = 0
    var userActionTokens = 0
    var usedUserActionTokens = 0
    var usedChallenges = 0
    var activeTokens = 0

    static func read(_ sandbox: TestSandbox) async throws -> SandboxState {
        try await sandbox.read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return SandboxState(
                webhooks: try count("SELECT COUNT(*) FROM webhook"),
                webhookEvents: try count("SELECT COUNT(*) FROM webhookEvent"),
                auditEntries: try count("SELECT COUNT(*) FROM auditEntry"),
                userActionTokens: try count("SELECT COUNT(*) FROM userActionToken"),
                usedUserActionTokens: try count("SELECT COUNT(*) FROM userActionToken WHERE usedAt IS NOT NULL"),
                usedChallenges: try count("SELECT COUNT(*) FROM challenge WHERE usedAt IS NOT NULL"),
                activeTokens: try count("SELECT COUNT(*) FROM token WHERE isActive = 1"))
        }
    }

    var description: String {
        "webhooks \(webhooks), events \(webhookEvents), audit \(auditEntries), UA tokens \(userActionTokens) (used \(usedUserActionTokens)), used challenges \(usedChallenges), active bearer tokens \(activeTokens)"
    }
}

/// The `dfns-sandbox` executable built with the tests.
enum SandboxBinary {
    /// Its path, or nil when it was not built.
    static let path: String? = locate()

    /// Looks first where SwiftPM puts products, next to the test bundle (`<scratch>/debug/`), found
    /// from the running test executable and the loaded `.xctest` bundles; `DFNS_SANDBOX_BINARY`
    /// overrides. Only as a last resort, the newest `dfns-sandbox` under the build directories
    /// beside this package.
    static func locate() -> String? {
        let files = FileManager.default
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["DFNS_SANDBOX_BINARY"], files.isExecutableFile(atPath: explicit) { return explicit }
        var directories: [URL] = []
        if let executable = Bundle.main.executableURL { directories.append(executable.resolvingSymlinksInPath().deletingLastPathComponent()) }
        if let first = CommandLine.arguments.first, first.contains("/") {
            directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for bundle in Bundle.allBundles + Bundle.allFrameworks where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for directory in directories {
            // On Linux the products directory holds the .xctest executable; on macOS it holds the
            // bundle, whose executable sits at <bundle>/Contents/MacOS.
            for candidate in [directory, directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()] {
                let path = candidate.appendingPathComponent("dfns-sandbox").path
                if files.isExecutableFile(atPath: path) { return path }
            }
        }
        // <package>/Tests/DfnsSandboxTests/HooksTestKit.swift → <package>
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var found: [(Date, String)] = []
        for root in [package, package.deletingLastPathComponent()] {
            guard let names = try? files.contentsOfDirectory(atPath: root.path) else { continue }
            for name in names where name.hasPrefix(".build") {
                for configuration in ["debug", "release"] {
                    let path = root.appendingPathComponent(name).appendingPathComponent(configuration).appendingPathComponent("dfns-sandbox").path
                    if files.isExecutableFile(atPath: path),
                       let date = (try? files.attributesOfItem(atPath: path))?[.modificationDate] as? Date {
                        found.append((date, path))
                    }
                }
            }
        }
        return found.max { $0.0 < $1.0 }?.1
    }

    /// Runs the executable with `arguments` to completion (bounded) and returns its exit status and
    /// its standard output and error together.
    static func run(_ arguments: [String], timeout: Double = 60) async throws -> (status: Int32, output: String) {
        guard let path else { throw SandboxProcessError("the dfns-sandbox executable was not built") }
        let directory = try HooksTestKit.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("output.txt")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let exited = await HooksTestKit.eventually(timeout: timeout) { !process.isRunning }
        if !exited {
            process.terminate()
            throw SandboxProcessError("dfns-sandbox \(arguments.joined(separator: " ")) did not exit within \(timeout) s")
        }
        process.waitUntilExit()
        try handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return (process.terminationStatus, output)
    }
}

struct SandboxProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A `dfns-sandbox serve` child process on a file database.
final class SandboxProcess: @unchecked Sendable {
    let process: Process
    let bootstrapPath: String
    let logPath: String

    /// Starts `dfns-sandbox --db <database> --port 0 --bootstrap-file <bootstrap>` (the bootstrap
    /// file is removed first, so the one read afterwards is this process's).
    static func start(database: String, bootstrap: String, log: String, extra: [String] = []) throws -> SandboxProcess {
        guard let binary = SandboxBinary.path else { throw SandboxProcessError("the dfns-sandbox executable was not built") }
        try? FileManager.default.removeItem(atPath: bootstrap)
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--db", database, "--port", "0", "--bootstrap-file", bootstrap, "--log-level", "warning"] + extra
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return SandboxProcess(process: process, bootstrapPath: bootstrap, logPath: log)
    }

    private init(process: Process, bootstrapPath: String, logPath: String) {
        self.process = process
        self.bootstrapPath = bootstrapPath
        self.logPath = logPath
    }

    /// The bootstrap document once the server listens (bounded wait).
    func bootstrap(timeout: Double = 60) async throws -> JSONValueBox {
        var document: JSONValue?
        _ = await HooksTestKit.eventually(timeout: timeout) {
            if let data = FileManager.default.contents(atPath: bootstrapPath),
               let value = try? JSONParser().parse(Array(data)), value["baseUrl"]?.stringValue != nil {
                document = value
                return true
            }
            return !process.isRunning  // it died: stop waiting
        }
        guard let document else {
            throw SandboxProcessError("dfns-sandbox did not write its bootstrap file; its output:\n\(output())")
        }
        return JSONValueBox(document)
    }

    /// Kills the process with `signal` and waits (bounded) until it is gone.
    func stop(signal: Int32) async throws {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        guard await HooksTestKit.eventually(timeout: 30, { !process.isRunning }) else {
            kill(process.processIdentifier, SIGKILL)
            throw SandboxProcessError("dfns-sandbox did not exit after signal \(signal)")
        }
        process.waitUntilExit()
    }

    /// What the process printed.
    func output() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

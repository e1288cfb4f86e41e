import ArgumentParser
import DfnsSandbox
import Foundation
import GRDB
import Hummingbird
import Logging

/// `dfns-sandbox [serve] [options]` serves (`serve` is the default subcommand);
/// `dfns-sandbox audit verify --db FILE` checks the audit log of a database offline.
@main
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dfns-sandbox",
        abstract: "A local, Dfns-compatible API server for development and tests.",
        discussion: """
            \(SandboxApplication.notice)

            Without a subcommand, dfns-sandbox serves the Dfns API: `dfns-sandbox [serve] [options]`. \
            Besides the Dfns endpoints it answers the sandbox-only GET /audit/verify (service \
            accounts), which checks the audit log's hash chain as `dfns-sandbox audit verify --db FILE` \
            does offline.

            \(serveOptionsHelp)
            """,
        subcommands: [Serve.self, Audit.self],
        defaultSubcommand: Serve.self
    )

    /// The OPTIONS section of `dfns-sandbox serve --help`, so that `dfns-sandbox --help` documents
    /// every option of the default command too.
    static var serveOptionsHelp: String {
        let help = Serve.helpMessage(columns: 80)
        guard let range = help.range(of: "OPTIONS:") else { return "" }
        return "SERVE " + help[range.lowerBound...].trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// `dfns-sandbox serve`: the same as `dfns-sandbox` without a subcommand.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the Dfns API on loopback (the default subcommand).",
        discussion: SandboxApplication.notice
    )

    @OptionGroup var options: ServeOptions

    func run() async throws {
        try await options.serve()
    }
}

/// The server's options.
struct ServeOptions: ParsableArguments {
    @Option(help: "Interface to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (printed at start).")
    var port: Int = 0

    @Option(help: "SQLite database file; without it, state lives in memory and is lost at exit.")
    var db: String?

    @Option(help: ArgumentHelp(
        "What a committed action survives with --db: process or power.",
        discussion: "process (synchronous=NORMAL in WAL mode): a kill of the sandbox, SIGKILL included, loses nothing it answered. power (synchronous=FULL): a power loss neither, at one fsync per commit."))
    var durability: String = AppDatabase.Durability.process.rawValue

    @Option(help: "Write {baseUrl, orgId, serviceAccountToken, credId, privateKeyPem} here once listening (mode 0600).")
    var bootstrapFile: String?

    @Option(help: "Relying party id of the organization's application (passkeys), set on first start.")
    var rpId: String = "localhost"

    @Option(help: "Origin of the organization's application, set on first start.")
    var origin: String = "http://localhost:3000"

    @Option(help: "Name of the organization created on first start.")
    var organizationName: String = "Sandbox Org"

    @Option(help: "Lifetime of challenges (user action, login, registration, credential, recovery) in seconds.")
    var challengeTtl: Double = 300

    @Option(help: "Lifetime of user-action tokens in seconds.")
    var userActionTtl: Double = 300

    @Option(help: "Lifetime of login tokens in seconds.")
    var loginTokenTtl: Double = 86_400

    @Option(help: "Lifetime of service-account tokens and personal access tokens without daysValid, in seconds.")
    var serviceAccountTokenTtl: Double = 365 * 86_400

    @Option(help: "Largest request body accepted, in bytes.")
    var maxBodyBytes: Int = 1 << 20

    @Option(help: ArgumentHelp(
        "Comma-separated delays in seconds before webhook delivery retries.",
        discussion: "One delivery attempt, then one retry per delay; after the last the event is marked deliveryFailed. An empty value disables retries."))
    var webhookRetryDelays: String = "1,5,30,120"

    @Option(help: "Timeout of one webhook delivery attempt, in seconds.")
    var webhookTimeout: Double = 5

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func serve() async throws {
        var configuration = SandboxConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.databasePath = db
        guard let durability = AppDatabase.Durability(rawValue: durability) else {
            throw ValidationError("--durability takes process or power")
        }
        configuration.durability = durability
        configuration.bootstrapFile = bootstrapFile
        configuration.rpId = rpId
        configuration.origin = origin
        configuration.organizationName = organizationName
        configuration.challengeTTL = challengeTtl
        configuration.userActionTTL = userActionTtl
        configuration.loginTokenTTL = loginTokenTtl
        configuration.serviceAccountTokenTTL = serviceAccountTokenTtl
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
        configuration.maxBodyBytes = maxBodyBytes
        let delays = webhookRetryDelays.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard delays.allSatisfy({ $0 != nil && $0! >= 0 }) else {
            throw ValidationError("--webhook-retry-delays takes comma-separated non-negative numbers")
        }
        configuration.webhookRetryDelays = delays.compactMap { $0 }
        guard webhookTimeout > 0 else { throw ValidationError("--webhook-timeout must be positive") }
        configuration.webhookTimeout = webhookTimeout
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown --log-level \(logLevel)") }

        FileHandle.standardError.write(Data("\(SandboxApplication.notice)\n".utf8))
        let services = try SandboxServices(configuration: configuration)
        let document = try Bootstrap.ensure(services: services)
        var logger = Logger(label: "dfns-sandbox")
        logger.logLevel = level
        let host = self.host
        let bootstrapFile = self.bootstrapFile
        let app = SandboxApplication.make(services: services, logger: logger) { port in
            let baseURL = "http://\(host):\(port)"
            if let bootstrapFile {
                do {
                    try Bootstrap.write(document, baseURL: baseURL, to: bootstrapFile)
                } catch {
                    FileHandle.standardError.write(Data("dfns-sandbox: cannot write \(bootstrapFile): \(error)\n".utf8))
                }
            }
            FileHandle.standardOutput.write(Data("dfns-sandbox listening on \(baseURL)\n".utf8))
        }
        try await app.runService()
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with the audit log of a sandbox database.",
        subcommands: [Verify.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit log's hash chain; exit 1 naming the first broken entry."
        )

        @Option(help: "SQLite database file of a sandbox.")
        var db: String

        func run() async throws {
            guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("no database at \(db)") }
            let database = try AppDatabase(path: db)
            let result = try await database.writer.read { db in try AuditLog.verify(db) }
            if let broken = result.firstBroken {
                print("audit: chain broken at entry \(broken.seq): \(broken.reason)")
                throw ExitCode(1)
            }
            print("audit: \(result.entries) entries, chain intact")
        }
    }
}

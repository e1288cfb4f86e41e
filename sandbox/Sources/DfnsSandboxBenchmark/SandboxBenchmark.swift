import ArgumentParser
import DfnsClient
import DfnsCrypto
import DfnsCurlTransport
import DfnsEncoding
import DfnsProtocol
import Foundation

/// The sandbox under load (a benchmark, not a test): N concurrent clients doing full user-action
/// round trips on loopback against a `dfns-sandbox` child process with a SQLite file: challenge
/// (`POST /auth/action/init`), Key assertion signed by the client, `POST /auth/action`, then the
/// signed request itself, `POST /keys/{id}/signatures` (a Hash on a custodial secp256k1 key).
/// It prints actions per second, p50 and p99 latency, the server's resident memory before and after
/// the measured run, and, measured in the same run, what the crypto alone allows: the same signing
/// and verifying (client P-256 sign, server P-256 verify, server secp256k1 sign) with the same
/// concurrency; and the HTTP floor: the same client and server exchanging three requests that need
/// no work, counted in groups of three (one per round trip).
@main
struct SandboxBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dfns-sandbox-bench",
        abstract: "Load benchmark of dfns-sandbox: full user-action round trips against the crypto alone.")

    @Option(help: "Concurrent clients.")
    var clients: Int = 4

    @Option(help: "User actions in the measured run.")
    var actions: Int = 10_000

    @Option(help: "User actions before measuring (warm-up).")
    var warmup: Int = 200

    @Option(help: "Rounds: the sandbox, the crypto alone and the HTTP floor are measured in turn, once per round.")
    var rounds: Int = 5

    @Option(help: "The sandbox's --durability (process or power).")
    var durability: String = "process"

    @Option(help: "The dfns-sandbox executable (default: next to this one).")
    var sandbox: String?

    func run() async throws {
        guard clients > 0, actions > 0, rounds > 0, actions >= rounds else {
            throw ValidationError("--clients, --actions and --rounds must be positive, with at least one action per round")
        }
        let executable = sandbox ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("dfns-sandbox").path
        let server = try await SandboxProcess.start(executable: executable, extraArguments: ["--durability", durability])
        defer { server.stop() }

        let transport = CurlTransport(configuration: CurlTransportConfiguration(proxy: .disabled, maximumIdleHandles: clients * 2))
        let key = try KeyCredential(privateKeyPEM: server.bootstrap["privateKeyPem"]?.stringValue ?? "",
                                    credentialId: server.bootstrap["credId"]?.stringValue)
        let client = DfnsAPIClient(baseURL: try BaseURL(server.baseURL, allowInsecureHTTP: true), transport: transport,
                                   authToken: server.bootstrap["serviceAccountToken"]?.stringValue,
                                   signer: KeySigner(credential: key), verifyReturnedSignatures: false)
        let signingKey = try await client.keys.create(scheme: "ECDSA", curve: "secp256k1", name: "bench")

        print("dfns-sandbox-bench: \(clients) clients, \(actions) user actions (+\(warmup) warm-up) in \(rounds) rounds, server pid \(server.pid)")
        _ = try await Self.load(client: client, keyId: signingKey.id, clients: clients, actions: warmup)
        let rssBefore = server.residentKiB()

        // The machine's speed drifts (other tenants share its cores), so the three measurements
        // alternate in rounds and each ratio is taken within one round; the median is reported.
        var elapsed = 0.0, latencies: [Double] = [], cryptoRates: [Double] = [], floorRates: [Double] = []
        var ratios: [Double] = [], floorRatios: [Double] = []
        let sliceSize = max(clients, min(1000, actions / rounds))
        for round in 0..<rounds {
            let share = actions / rounds + (round < actions % rounds ? 1 : 0)
            let (roundElapsed, roundLatencies) = try await Self.load(client: client, keyId: signingKey.id, clients: clients, actions: share)
            elapsed += roundElapsed
            latencies += roundLatencies
            let (cryptoElapsed, cryptoCount) = try await Self.cryptoAlone(clients: clients, actions: sliceSize, key: key)
            let cryptoRate = Double(cryptoCount) / cryptoElapsed
            let floorRate = Double(sliceSize) / (try await Self.httpFloor(transport: transport, baseURL: server.baseURL, clients: clients, actions: sliceSize))
            cryptoRates.append(cryptoRate)
            floorRates.append(floorRate)
            ratios.append(Double(share) / roundElapsed / cryptoRate)
            floorRatios.append(floorRate / cryptoRate)
        }
        let rssAfter = server.residentKiB()
        let throughput = Double(actions) / elapsed
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func spread(_ values: [Double], _ format: String) -> String {
            String(format: format, values.min() ?? 0) + "–" + String(format: format, values.max() ?? 0)
        }

        let cores = ProcessInfo.processInfo.activeProcessorCount
        let cryptoMicroseconds = Double(min(clients, cores)) / median(cryptoRates) * 1e6
        func row(_ name: String, _ value: String, _ range: String = "") {
            print(name.padding(toLength: 52, withPad: " ", startingAt: 0) + String(repeating: " ", count: max(0, 12 - value.count)) + value
                  + (range.isEmpty ? "" : "   (rounds: \(range))"))
        }
        print("")
        row("measure (\(cores) cores, \(clients) clients)", "value")
        row("user actions per second (sandbox, full round trip)", String(format: "%.0f", throughput))
        row("latency p50, ms", String(format: "%.2f", percentile(0.50)))
        row("latency p99, ms", String(format: "%.2f", percentile(0.99)))
        row("server RSS before the run, KiB", String(rssBefore))
        row("server RSS after \(actions) actions, KiB", String(rssAfter))
        row("crypto alone, actions per second (baseline)", String(format: "%.0f", median(cryptoRates)), spread(cryptoRates, "%.0f"))
        row("crypto per action, µs of one core", String(format: "%.1f", cryptoMicroseconds))
        row("HTTP floor: groups of 3 no-work requests per second", String(format: "%.0f", median(floorRates)), spread(floorRates, "%.0f"))
        row("HTTP floor / crypto alone", String(format: "%.3f", median(floorRatios)), spread(floorRatios, "%.3f"))
        row("sandbox / crypto alone (target >= 0.333)", String(format: "%.3f", median(ratios)), spread(ratios, "%.3f"))
    }

    /// Runs `actions` signed requests over `clients` concurrent tasks; wall time and each latency.
    static func load(client: DfnsAPIClient, keyId: String, clients: Int, actions: Int) async throws -> (Double, [Double]) {
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<clients {
                let share = actions / clients + (worker < actions % clients ? 1 : 0)
                group.addTask {
                    var own: [Double] = []
                    own.reserveCapacity(share)
                    for index in 0..<share {
                        let digest = SHA256.hash(Array("bench \(worker) \(index) \(UInt64.random(in: 0...UInt64.max))".utf8))
                        let began = clock.now
                        let outcome = try await client.keys.sign(keyId, .hash(digest))
                        guard case .completed = outcome else { throw ValidationError("a signature was not completed: \(outcome)") }
                        own.append((clock.now - began).seconds)
                    }
                    return own
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        return ((clock.now - start).seconds, latencies)
    }

    /// What HTTP alone costs on this machine, with the same client, server process and concurrency:
    /// three POSTs per action (a round trip makes three requests) to a path the server answers
    /// at once (401, before any database work or signature check).
    static func httpFloor(transport: CurlTransport, baseURL: String, clients: Int, actions: Int) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    for _ in 0..<(actions / clients) {
                        for step in 0..<3 {
                            let response = try await transport.send(HTTPRequest(method: .post, url: baseURL + "/floor/\(step)",
                                                                                 headers: ["Content-Type": "application/json"], body: Array("{}".utf8)))
                            guard response.status == 401 else { throw ValidationError("the floor request answered \(response.status), not 401") }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return (clock.now - start).seconds * Double(actions) / Double((actions / clients) * clients)
    }

    /// The crypto of one round trip, alone, with the same concurrency: the client's P-256 signature
    /// over Key clientData, the server's verification of it, and the server's secp256k1 signature.
    static func cryptoAlone(clients: Int, actions: Int, key: KeyCredential) async throws -> (Double, Int) {
        let privateKey = try PrivateKey(pem: try key.privateKeyPEM())
        let publicKey = privateKey.publicKey
        let walletKey = try PrivateKey.generate(.ec(.secp256k1))
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<clients {
                let share = actions / clients
                group.addTask {
                    for index in 0..<share {
                        let clientData = KeyClientData.assertion(challenge: Base64URL.encode(Array("ch-bench-\(worker)-\(index)".utf8)))
                        let signature = try privateKey.sign(clientData, algorithm: .es256)
                        try publicKey.verify(signature: signature, message: clientData, algorithm: .es256)
                        _ = try walletKey.signRecoverableSecp256k1(digest: SHA256.hash(clientData))
                    }
                }
            }
            try await group.waitForAll()
        }
        return ((clock.now - start).seconds, (actions / clients) * clients)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// `dfns-sandbox` as a child process with a temporary SQLite file.
final class SandboxProcess {
    let process: Process
    let directory: URL
    let baseURL: String
    let bootstrap: JSONValue
    var pid: Int32 { process.processIdentifier }

    private init(process: Process, directory: URL, baseURL: String, bootstrap: JSONValue) {
        self.process = process
        self.directory = directory
        self.baseURL = baseURL
        self.bootstrap = bootstrap
    }

    static func start(executable: String, extraArguments: [String]) async throws -> SandboxProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dfns-sandbox-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bootstrapFile = directory.appendingPathComponent("bootstrap.json").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--db", directory.appendingPathComponent("sandbox.sqlite").path, "--bootstrap-file", bootstrapFile,
                             "--port", "0", "--log-level", "error"] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<300 {
            if let data = FileManager.default.contents(atPath: bootstrapFile), !data.isEmpty,
               let document = try? JSONParser().parse(Array(data)), let baseURL = document["baseUrl"]?.stringValue {
                return SandboxProcess(process: process, directory: directory, baseURL: baseURL, bootstrap: document)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw ValidationError("dfns-sandbox at \(executable) did not start")
    }

    /// VmRSS of the server, KiB.
    func residentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first.map(String.init) ?? "") ?? 0
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

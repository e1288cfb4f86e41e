// dfns-bench: assertion verification throughput of the library against plain OpenSSL.
// Not a test: it prints numbers and verdicts and always exits 0 unless an input fails to verify.
import DfnsCrypto
import DfnsWebAuthn
import Glibc

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))

func makeCases(_ algorithm: COSEAlgorithm) -> AlgorithmCases {
    do {
        return AlgorithmCases(try AssertionFixture.make(algorithm))
    } catch {
        fatalError("could not build the \(algorithm.name) fixture: \(error)")
    }
}

if let profile = options.profile {
    // Fixed work, no clock: for valgrind --tool=callgrind (instruction counts per call).
    let cases = makeCases(profile.algorithm)
    let chosen = profile.path == "raw" ? cases.raw : profile.path == "kept" ? cases.kept : cases.imported
    let ok = profileLoop(iterations: options.iterations, chosen.run)
    print("profiled \(profile.algorithm.name) \(chosen.label): \(ok)/\(options.iterations) verified")
    exit(ok == options.iterations ? 0 : 1)
}

print("dfns-bench: WebAuthn assertion verification, library vs raw OpenSSL (\(openSSLVersionString))")
print("machine at start: \(machineConditions()) (shared machine: other builds may be running)")
let algorithmCases = options.algorithms.map(makeCases)

// Warm-up: every path once for a short while (caches, lazy OpenSSL fetches, page faults).
for cases in algorithmCases {
    for c in cases.all { _ = measure(seconds: options.warmupSeconds, c.run) }
}

var results = algorithmCases.map { AlgorithmResult(algorithm: $0.algorithm) }
for round in 0..<options.rounds {
    // Rounds are outermost and the order of the three paths rotates, so every path sees the same
    // spread of machine conditions.
    for (index, cases) in algorithmCases.enumerated() {
        let order = (0..<3).map { ($0 + round) % 3 }
        for which in order {
            switch which {
            case 0: results[index].raw.append(measure(seconds: options.secondsPerCase, cases.raw.run))
            case 1: results[index].kept.append(measure(seconds: options.secondsPerCase, cases.kept.run))
            default: results[index].imported.append(measure(seconds: options.secondsPerCase, cases.imported.run))
            }
        }
    }
    writeToStandardError("round \(round + 1)/\(options.rounds) done\n")
}

printReport(results, options: options)
print("machine at end: \(machineConditions())")

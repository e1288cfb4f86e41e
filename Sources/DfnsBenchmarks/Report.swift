import DfnsCrypto
import Glibc

/// The samples of one algorithm's three paths, and the ratios derived from their best runs.
struct AlgorithmResult {
    let algorithm: COSEAlgorithm
    var raw: [Sample] = []
    var kept: [Sample] = []
    var imported: [Sample] = []

    static func best(_ samples: [Sample]) -> Double { samples.map(\.perSecond).max() ?? 0 }
    static func worst(_ samples: [Sample]) -> Double { samples.map(\.perSecond).min() ?? 0 }

    var keptRatio: Double { AlgorithmResult.best(kept) / AlgorithmResult.best(raw) }
    var importRatio: Double { AlgorithmResult.best(imported) / AlgorithmResult.best(raw) }
}

/// The ratio targets, library/raw.
enum Targets {
    static let kept = 0.95
    static let imported = 0.80
}

func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
    let n = text.count
    guard n < width else { return text }
    let fill = String(repeating: " ", count: width - n)
    return right ? fill + text : text + fill
}

func fixed(_ value: Double, _ digits: Int) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.\(digits)f", $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Prints the side-by-side table (best run per path, verifications per second), the spread over
/// the rounds, and one verdict line per target.
func printReport(_ results: [AlgorithmResult], options: Options) {
    print("")
    print("best of \(options.rounds) interleaved runs of \(fixed(options.secondsPerCase, 1)) s each; verifications per second (higher is better)")
    print(pad("alg", 7, right: false) + pad("raw/s", 10) + pad("kept/s", 10) + pad("import/s", 10)
          + pad("kept/raw", 10) + pad("import/raw", 12) + "   spread raw | kept | import (worst/best)")
    for r in results {
        func spread(_ s: [Sample]) -> String {
            let best = AlgorithmResult.best(s)
            return best == 0 ? "-" : fixed(AlgorithmResult.worst(s) / best, 3)
        }
        print(pad(r.algorithm.name, 7, right: false)
              + pad(fixed(AlgorithmResult.best(r.raw), 0), 10)
              + pad(fixed(AlgorithmResult.best(r.kept), 0), 10)
              + pad(fixed(AlgorithmResult.best(r.imported), 0), 10)
              + pad(fixed(r.keptRatio, 3), 10)
              + pad(fixed(r.importRatio, 3), 12)
              + "   \(spread(r.raw)) | \(spread(r.kept)) | \(spread(r.imported))")
    }
    print("raw = plain OpenSSL EVP (pre-imported EVP_PKEY from d2i_PUBKEY, pre-built message); for ES256K raw is")
    print("      OpenSSL's own secp256k1 while the library uses libsecp256k1, so that ratio compares implementations.")
    print("")
    func verdict(_ name: String, _ target: Double, _ ratio: (AlgorithmResult) -> Double) {
        let failing = results.filter { ratio($0) < target }
        let detail = results.map { "\($0.algorithm.name) \(fixed(ratio($0), 3))" }.joined(separator: ", ")
        let status = failing.isEmpty ? "PASS" : "FAIL (\(failing.map(\.algorithm.name).joined(separator: ", ")))"
        print("verdict \(name) >= \(fixed(target, 2)): \(status)  [\(detail)]")
    }
    verdict("kept-key library/raw", Targets.kept) { $0.keptRatio }
    verdict("import-per-call library/raw", Targets.imported) { $0.importRatio }
}

/// CPU count and load averages, printed so a reader can judge the conditions of a run.
func machineConditions() -> String {
    var load = [Double](repeating: 0, count: 3)
    let got = getloadavg(&load, 3)
    let cpus = sysconf(Int32(_SC_NPROCESSORS_ONLN))
    let loadText = got == 3 ? "\(fixed(load[0], 2)) \(fixed(load[1], 2)) \(fixed(load[2], 2))" : "unknown"
    return "\(cpus) online CPUs, load average \(loadText)"
}

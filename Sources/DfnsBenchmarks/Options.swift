import DfnsCrypto
import Glibc

/// Command line: `dfns-bench [seconds-per-case] [--rounds N] [--warmup S] [--alg es256,eddsa,rs256,es256k]`
/// or `dfns-bench --profile <alg>:<raw|kept|import> [--iterations N]` (a fixed number of calls and no
/// timing, for `valgrind --tool=callgrind`).
struct Options {
    var secondsPerCase = 2.0
    var rounds = 3
    var warmupSeconds = 0.3
    var algorithms: [COSEAlgorithm] = [.es256, .edDSA, .rs256, .es256k]
    var profile: (algorithm: COSEAlgorithm, path: String)? = nil
    var iterations = 2000

    static let usage = """
        usage: dfns-bench [seconds-per-case] [--rounds N] [--warmup S] [--alg es256,eddsa,rs256,es256k]
               dfns-bench --profile <alg>:<raw|kept|import> [--iterations N]
        """

    static func algorithm(named name: String) -> COSEAlgorithm? {
        switch name.lowercased() {
        case "es256": return .es256
        case "eddsa", "ed25519": return .edDSA
        case "rs256": return .rs256
        case "es256k": return .es256k
        default: return nil
        }
    }

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var rest = arguments[...]
        func fail(_ message: String) -> Never {
            writeToStandardError("dfns-bench: \(message)\n\(usage)\n")
            exit(2)
        }
        func value(_ flag: String) -> String {
            guard let v = rest.popFirst() else { fail("\(flag) needs a value") }
            return v
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "-h", "--help":
                print(usage)
                exit(0)
            case "--rounds":
                guard let n = Int(value(argument)), n >= 1 else { fail("--rounds must be a positive integer") }
                options.rounds = n
            case "--warmup":
                guard let s = Double(value(argument)), s >= 0 else { fail("--warmup must be seconds >= 0") }
                options.warmupSeconds = s
            case "--alg":
                let names = value(argument).split(separator: ",").map(String.init)
                options.algorithms = names.map { name in
                    guard let a = algorithm(named: name) else { fail("unknown algorithm \(name)") }
                    return a
                }
            case "--profile":
                let spec = value(argument).split(separator: ":").map(String.init)
                guard spec.count == 2, let a = algorithm(named: spec[0]), ["raw", "kept", "import"].contains(spec[1]) else {
                    fail("--profile takes <alg>:<raw|kept|import>")
                }
                options.profile = (a, spec[1])
            case "--iterations":
                guard let n = Int(value(argument)), n >= 1 else { fail("--iterations must be a positive integer") }
                options.iterations = n
            default:
                guard let s = Double(argument), s > 0 else { fail("unexpected argument \(argument)") }
                options.secondsPerCase = s
            }
        }
        return options
    }
}

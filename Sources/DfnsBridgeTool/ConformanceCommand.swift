import ArgumentParser
import DfnsConformance
import DfnsInspection

/// `dfns-bridge conformance DIR`: runs third-party WebAuthn vectors through the library.
struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run every WebAuthn vector file in a directory and compare with its expected verdict.",
        discussion: """
            Reads every .json file of the schema in shared/vectors/webauthn/README.md, prints one \
            JSON line per file ({"file", "verdict", "code", "message"}) and then \
            "N passed, M failed, K skipped". Exit status: 0 when no verdict contradicts the \
            vector's expected one, 1 when one does, 2 when the directory cannot be read.
            """
    )

    @Argument(help: "The directory holding the vector files.")
    var directory: String

    func run() throws {
        guard let outcomes = ConformanceRunner.run(directory: directory) else {
            Console.error("error: unreadable_directory: cannot list \(directory)")
            throw ExitCode(2)
        }
        for outcome in outcomes {
            print(outcome.jsonLine)
        }
        // The lines above do not say which verdicts contradict `expected`; list those on stderr,
        // after the lines and before the summary, so that a combined log shows them in order.
        Console.flushOutput()
        for outcome in outcomes where outcome.failed {
            Console.error(ReportTextRenderer.printable(
                "contradicts expected \(outcome.expected.rawValue): \(outcome.file): \(outcome.code ?? "ok"): \(outcome.message)"))
        }
        if outcomes.isEmpty {
            Console.error("warning: no .json vector files in \(directory)")
        }
        let summary = ConformanceSummary(outcomes)
        print(summary.line)
        if summary.failed > 0 {
            throw ExitCode(1)
        }
    }
}

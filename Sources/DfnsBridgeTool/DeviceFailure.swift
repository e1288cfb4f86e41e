import ArgumentParser
import DfnsClient
import DfnsInspection

/// How the `device` subcommands report failures: `error: <code>: <message>` on stderr, exit 1.
enum DeviceFailure {
    /// Runs `body`, turning a ``ToolError`` into the report and `ExitCode(1)`.
    static func reporting(_ body: () throws(ToolError) -> Void) throws {
        do {
            try body()
        } catch {
            Console.flushOutput()
            Console.error(ReportTextRenderer.printable("error: \(error.code): \(error.message)"))
            throw ExitCode(1)
        }
    }
}

extension ToolError {
    /// A signer failure as the tool reports it. No ``SignerError`` carries key material.
    init(_ error: SignerError) {
        switch error {
        case .invalidArgument(let message):
            self.init(code: "malformed_challenge", message: message)
        case .unsupportedKeyType(let message):
            self.init(code: "unsupported_algorithm", message: message)
        case .cryptoFailure(let message):
            self.init(code: "crypto_failure", message: message)
        default:
            self.init(code: "signer_error", message: error.description)
        }
    }
}

import ArgumentParser
import DfnsInspection
import DfnsWebAuthn

extension InspectKind: ExpressibleByArgument {}

/// `dfns-bridge inspect`: decodes an attestationObject, authenticatorData, clientDataJSON or COSE
/// key and prints it for a person, or as one JSON document.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Decode an attestationObject, authenticatorData, clientDataJSON or COSE key.",
        discussion: """
            The input is base64url on the command line, or a file (--file PATH, - for stdin) of raw \
            bytes or base64url text. Nothing is verified beyond parsing: the output shows what the \
            input says. Errors print "error: <code>: <message>" on stderr and exit with status 1.
            """
    )

    @Argument(help: "The value as base64url (padding, whitespace and the standard alphabet are tolerated).")
    var value: String?

    @Option(name: .long, help: ArgumentHelp("Read the value from a file: raw bytes or base64url text; - reads stdin.", valueName: "path"))
    var file: String?

    @Option(name: .long, help: "What the value is; detect guesses from the bytes.")
    var type: InspectKind = .detect

    @Option(name: .long, help: ArgumentHelp("Also check the authenticator data's rpIdHash against this RP ID.", valueName: "rp-id"))
    var rpId: String?

    @Flag(name: .long, help: "Print one JSON document instead of text.")
    var json = false

    func run() throws {
        do {
            let (kind, report) = try inspect()
            print(Inspector.render(kind, report, format: json ? .json : .text))
        } catch let error as ToolError {
            Console.error(ReportTextRenderer.printable("error: \(error.code): \(error.message)"))
            throw ExitCode(1)
        } catch let error as WebAuthnError {
            Console.error(ReportTextRenderer.printable("error: \(error.code.name): \(error.message)"))
            throw ExitCode(1)
        }
    }

    /// Reads the input, decides what it is, parses it and builds its report.
    private func inspect() throws -> (InspectKind, ReportValue) {
        let bytes: [UInt8]
        switch (value, file) {
        case (let text?, nil):
            bytes = try InspectInput.decodeText(text)
        case (nil, let path?):
            bytes = InspectInput.decodeFile(try Console.readFile(path, limit: InspectInput.maxInputLength))
        case (nil, nil):
            throw ToolError(code: "invalid_argument", message: "give a base64url value or --file PATH")
        case (_?, _?):
            throw ToolError(code: "invalid_argument", message: "give either a base64url value or --file PATH, not both")
        }
        return try Inspector.inspect(bytes, kind: type, rpId: rpId)
    }
}

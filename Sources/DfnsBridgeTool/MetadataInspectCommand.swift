import ArgumentParser
import DfnsEncoding
import DfnsInspection
import DfnsWebAuthn

/// `dfns-bridge metadata inspect`: verifies an MDS3 BLOB and prints its serial number, next update,
/// entry count and one line per entry (or one JSON document).
struct MetadataInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Verify an MDS3 BLOB and list its entries.",
        discussion: """
            Verifies the JWS signature (RS256 or ES256) with the x5c leaf, the x5c chain to --root at \
            the verification time, and nextUpdate (a stale BLOB is refused unless --accept-stale), \
            then prints no, nextUpdate, the entry count and, per entry: the AAGUID (or the \
            attestation key identifiers), the latest status and the description:

              dfns-bridge metadata inspect --blob blob.jwt --root globalsign-root-r3.pem
              dfns-bridge metadata inspect --blob blob.jwt --root root.der --time 2026-01-15T00:00:00Z --json
            """
    )

    @Option(name: .long, help: ArgumentHelp("The BLOB file (the compact JWS as downloaded); - reads stdin.", valueName: "path"))
    var blob: String

    @Option(name: .long, help: ArgumentHelp("The trusted root: PEM (one or more certificates) or one DER certificate.", valueName: "path"))
    var root: String

    @Option(name: .long, help: ArgumentHelp("The verification time: ISO 8601 UTC (2026-01-15T00:00:00Z) or Unix seconds; default now.", valueName: "time"))
    var time: String?

    @Flag(name: .long, help: "Accept a BLOB whose nextUpdate date has passed.")
    var acceptStale = false

    @Flag(name: .long, help: "Print one JSON document instead of text.")
    var json = false

    func run() throws {
        do {
            let index = try load()
            print(json ? JSONWriter.string(MetadataInspectCommand.report(index)) : MetadataInspectCommand.text(index), terminator: json ? "\n" : "")
        } catch let error as ToolError {
            Console.error(ReportTextRenderer.printable("error: \(error.code): \(error.message)"))
            throw ExitCode(1)
        } catch let error as WebAuthnError {
            Console.error(ReportTextRenderer.printable("error: \(error.code.name): \(error.message)"))
            throw ExitCode(1)
        }
    }

    /// Reads the files and verifies the BLOB.
    private func load() throws -> MetadataIndex {
        let verificationTime = try time.map { (text) throws(ToolError) in try MetadataInspectCommand.parseTime(text) }
        let jws = try Console.readFile(blob, limit: MetadataBLOB.maxLength)
        let rootBytes = try Console.readFile(root, limit: 1 << 20)
        let roots = try MetadataRootCertificates.parse(rootBytes)
        return try MetadataIndex(jws: jws, roots: roots,
                                 options: MetadataVerificationOptions(verificationTime: verificationTime, acceptStale: acceptStale))
    }

    /// `text` as Unix seconds: all digits, or an ISO 8601 UTC date-time.
    static func parseTime(_ text: String) throws(ToolError) -> Int64 {
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let seconds = Int64(text) {
            return seconds
        }
        guard let seconds = CivilDate.unixSeconds(iso8601: text) else {
            throw ToolError(code: "invalid_argument", message: "--time \"\(text)\" is neither Unix seconds nor an ISO 8601 UTC time such as 2026-01-15T00:00:00Z")
        }
        return seconds
    }

    /// The BLOB as one JSON object: `no`, `nextUpdate`, `legalHeader`, `entryCount`, `entries`.
    static func report(_ index: MetadataIndex) -> JSONValue {
        .object([
            ("no", .number(String(index.number))),
            ("nextUpdate", .string(index.nextUpdate)),
            ("legalHeader", index.legalHeader.map { .string($0) } ?? .null),
            ("entryCount", .number(String(index.count))),
            ("entries", .array(index.entries.map { MetadataEntrySummary($0).json })),
        ])
    }

    /// The BLOB for a person: a header, then one line per entry.
    static func text(_ index: MetadataIndex) -> String {
        var out = "no: \(index.number)\nnextUpdate: \(index.nextUpdate)\nentries: \(index.count)\n"
        for (position, entry) in index.entries.enumerated() {
            let summary = MetadataEntrySummary(entry)
            let identity: String
            if let aaguid = summary.aaguid {
                identity = "aaguid \(MetadataInspectCommand.uuid(aaguid))"
            } else if !summary.attestationCertificateKeyIdentifiers.isEmpty {
                identity = "key ids \(summary.attestationCertificateKeyIdentifiers.joined(separator: ","))"
            } else {
                identity = "(no identifier)"
            }
            let status = summary.status.map { "\($0.rawValue)\(summary.statusEffectiveDate.map { " since \($0)" } ?? "")" } ?? "no status"
            out += "[\(position)] \(identity)  \(status)  \(summary.description ?? "(no description)")\n"
        }
        return out
    }

    /// A 16-byte AAGUID in the 8-4-4-4-12 UUID form.
    private static func uuid(_ bytes: [UInt8]) -> String {
        let hex = Array(Hex.encode(bytes))
        guard hex.count == 32 else { return String(hex) }
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
    }
}

import ArgumentParser

/// `dfns-bridge`: the project's command-line tool.
@main
struct DfnsBridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dfns-bridge",
        abstract: "WebAuthn verification and Dfns Delegated Signing tools.",
        subcommands: [ConformanceCommand.self, DeviceCommand.self, InspectCommand.self, MetadataCommand.self, VerifyJSONCommand.self, OptionsCommand.self]
    )
}

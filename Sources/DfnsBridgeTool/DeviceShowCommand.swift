import ArgumentParser
import DfnsEncoding

/// `dfns-bridge device show`: what the device holds, without its private key.
struct DeviceShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the device's credential ID, RP ID, origin and signature counter (never the key).",
        discussion: """
            Output: one JSON line, {"credId":…,"rpId":…,"origin":…,"signCount":N}.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The device state file written by `device create`.", valueName: "path"))
    var state: String

    func run() throws {
        try DeviceFailure.reporting { () throws(ToolError) in
            let locked = try DeviceStateFile.lock(state)
            defer { locked.unlock() }
            let device = try locked.load()
            print(JSONWriter.string(device.publicSummary))
        }
    }
}

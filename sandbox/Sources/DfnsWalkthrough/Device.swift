import DfnsEncoding
import Foundation

/// An end user's device, played by the project's CLI in another process
/// (`dfns-bridge device create|sign --state FILE`): the passkey's private key lives only in that
/// device's state file, never in this (the backend's) process. Challenges go in on stdin; the
/// attestation or assertion comes back on stdout.
struct Device {
    let name: String
    let tool: String
    let stateFile: String

    /// `device create`: a new passkey for a creation challenge; returns the credential JSON.
    func create(challenge: JSONValue, rpId: String, origin: String) throws -> JSONValue {
        try run(["device", "create", "--state", stateFile, "--rp-id", rpId, "--origin", origin, "--force"],
                input: JSONWriter.bytes(challenge))
    }

    /// `device sign`: the `firstFactor` assertion for a user-action or login challenge.
    func sign(challenge: JSONValue) throws -> JSONValue {
        try run(["device", "sign", "--state", stateFile], input: JSONWriter.bytes(challenge))
    }

    private func run(_ arguments: [String], input: [UInt8]) throws -> JSONValue {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw WalkthroughFailure("\(name): dfns-bridge \(arguments.prefix(2).joined(separator: " ")) failed: \(String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        do {
            return try JSONParser().parse(Array(output))
        } catch {
            throw WalkthroughFailure("\(name): the device printed no JSON: \(error)")
        }
    }
}

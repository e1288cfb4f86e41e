import ArgumentParser
import DfnsClient
import DfnsEncoding
import DfnsWebAuthn

/// `dfns-bridge device sign`: signs a Dfns user-action or login challenge with the device's
/// passkey and prints the `firstFactor` the backend completes the request with.
struct DeviceSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a Dfns user-action or login challenge (read on stdin) with the device's passkey.",
        discussion: """
            Input: the response body of POST /auth/action/init or /auth/login/init (challenge, \
            challengeIdentifier, allowCredentials {key, webauthn}, userVerification, ...), as a \
            delegated init hands it to the device. When allowCredentials.webauthn is non-empty it \
            must list this device's credential, or nothing is signed.

            The assertion is made by the library's software authenticator: clientDataJSON {type \
            webauthn.get, challenge verbatim, origin from the state}, authenticator data with the \
            state's RP ID hash, UP and UV, and the stored counter plus one; ES256 signature (DER).

            Output: one JSON line, the firstFactor of POST /auth/action or /auth/login: \
            {"kind":"Fido2","credentialAssertion":{"credId","clientData","authenticatorData",\
            "signature","userHandle"}} (base64url without padding). The new counter is written to \
            the state file (atomically, mode 0600) before the line is printed; concurrent runs on \
            the same state wait for each other.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The device state file written by `device create`.", valueName: "path"))
    var state: String

    @Option(name: .long, help: ArgumentHelp("Read the challenge JSON from this file instead of stdin (- is stdin).", valueName: "path"))
    var challengeFile: String = "-"

    func run() throws {
        try DeviceFailure.reporting { () throws(ToolError) in try sign() }
    }

    private func sign() throws(ToolError) {
        // Read the challenge before locking the state, so a slow stdin never holds the lock.
        let request = try DeviceChallenge.assertionRequest(try DeviceChallenge.read(challengeFile))

        let locked = try DeviceStateFile.lock(state)
        defer { locked.unlock() }
        var device = try locked.load()
        guard device.credential.signCount < UInt32.max else {
            throw ToolError(code: "counter_exhausted", message: "the signature counter of \(state) has reached \(UInt32.max)")
        }

        let authenticator = SoftwareAuthenticator()
        do {
            try authenticator.importCredential(device.credential)
        } catch {
            throw ToolError(code: "malformed_state", message: "\(state): \(error.message)")
        }
        let signer: WebAuthnSigner
        do {
            signer = try WebAuthnSigner(authenticator: authenticator, credentialId: device.credential.credentialId,
                                        rpId: device.credential.rpId, origin: device.origin, userVerified: true)
        } catch {
            throw ToolError(code: "malformed_state", message: "\(state): \(error)")
        }
        let assertion: Fido2Assertion
        do {
            assertion = try signer.assertion(challenge: request.challenge, allowedCredentialIds: request.allowedCredentialIds)
        } catch {
            if case .passkeyNotAllowed = error {
                throw ToolError(code: "credential_not_allowed",
                                message: "this device's credential \(device.credId) is not among the challenge's allowCredentials")
            }
            throw ToolError(error)
        }
        guard let updated = authenticator.exportCredential(device.credential.credentialId) else {
            throw ToolError(code: "internal_error", message: "the software authenticator lost the passkey")
        }
        device.credential = updated
        var bytes = try device.jsonBytes()
        defer { zeroize(&bytes) }
        // The counter is on disk before the assertion is printed: no two printed assertions share one.
        try DeviceStateFile.store(bytes, to: state, replace: true)
        print(JSONWriter.string(assertion.jsonValue))
    }
}

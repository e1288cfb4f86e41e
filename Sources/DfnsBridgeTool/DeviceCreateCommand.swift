import ArgumentParser
import DfnsClient
import DfnsEncoding
import DfnsWebAuthn

/// `dfns-bridge device create`: creates the device's passkey from a Dfns credential-creation
/// challenge and prints the Fido2 credential object the backend completes the flow with.
struct DeviceCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an ES256 passkey from a Dfns credential-creation challenge read on stdin.",
        discussion: """
            Input: the response body of POST /auth/registration/delegated or /auth/registration/init, \
            of POST /auth/credentials/init with kind Fido2, or of POST /auth/recover/user/delegated \
            (challenge, user {id, name, displayName}, pubKeyCredParams, attestation, ...). \
            pubKeyCredParams must offer ES256 (-7). The passkey is created by the library's software \
            authenticator: clientDataJSON {type webauthn.create, challenge verbatim, origin --origin}, \
            authenticator data for --rp-id with UP and UV, user handle = the UTF-8 bytes of user.id, \
            attestation "none" when the challenge asks none (or nothing), packed self attestation \
            otherwise.

            Output: one JSON line, \
            {"credentialKind":"Fido2","credentialInfo":{"credId","clientData","attestationData"}} \
            (base64url without padding): the firstFactorCredential of POST /auth/registration or \
            /auth/registration/enduser, or the credential of POST /auth/credentials.

            The state file (private key, credential ID, RP ID, origin, user handle, counter) is \
            created with mode 0600 and never overwritten without --force.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The device state file to create.", valueName: "path"))
    var state: String

    @Option(name: .long, help: ArgumentHelp("The relying party ID, e.g. app.example.com (the host of --origin or a parent domain of it).", valueName: "id"))
    var rpId: String

    @Option(name: .long, help: ArgumentHelp("The origin written into clientDataJSON, e.g. https://app.example.com.", valueName: "url"))
    var origin: String

    @Option(name: .long, help: ArgumentHelp("Read the challenge JSON from this file instead of stdin (- is stdin).", valueName: "path"))
    var challengeFile: String = "-"

    @Flag(name: .long, help: "Replace an existing state file (its passkey is lost).")
    var force = false

    func run() throws {
        try DeviceFailure.reporting { () throws(ToolError) in try create() }
    }

    private func create() throws(ToolError) {
        try DeviceRelyingParty.check(rpId: rpId, origin: origin)
        if !force, DeviceStateFile.exists(state) {
            throw ToolError(code: "state_exists", message: "\(state) already exists; pass --force to replace it")
        }
        let options = try DeviceChallenge.creationOptions(try DeviceChallenge.read(challengeFile))

        let authenticator = SoftwareAuthenticator()
        let attestation: Fido2Attestation
        do {
            attestation = try Fido2Attestation(challenge: options, authenticator: authenticator, rpId: rpId, origin: origin)
        } catch {
            throw ToolError(error)
        }
        guard let credential = authenticator.exportCredential(attestation.credentialId) else {
            throw ToolError(code: "internal_error", message: "the software authenticator does not hold the passkey it created")
        }
        var bytes = try DeviceState(credential: credential, origin: origin).jsonBytes()
        defer { zeroize(&bytes) }
        // The state is on disk before the credential is printed: a printed credential always has
        // its key stored.
        try DeviceStateFile.store(bytes, to: state, replace: force)
        print(JSONWriter.string(attestation.jsonValue))
    }
}

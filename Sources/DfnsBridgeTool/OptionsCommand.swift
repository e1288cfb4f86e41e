import ArgumentParser
import DfnsClient
import DfnsEncoding
import DfnsProtocol
import DfnsWebAuthn

/// `dfns-bridge options`: writes the WebAuthn options JSON a relying party sends, from a policy
/// (RP ID, algorithms) and the ceremony's inputs, or from a Dfns challenge (what a passkey device
/// needs to sign it).
struct OptionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "options",
        abstract: "Write PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON (canonical JSON).",
        discussion: """
            --registration / --assertion build options for --rp-id (with the library's default \
            algorithms, a random 32-byte challenge unless --challenge is given). --dfns-user-action \
            FILE / --dfns-registration FILE convert a Dfns challenge document (- reads stdin) into \
            the options a passkey needs to answer it. Errors print "error: <code>: <message>" on \
            stderr and exit with status 1.
            """
    )

    /// What the options are for.
    enum Source: String, EnumerableFlag {
        case registration, assertion
    }

    @Flag(help: "Options from the relying party's own inputs.")
    var source: Source?

    @Option(name: .long, help: ArgumentHelp("A Dfns user-action challenge document (- for stdin).", valueName: "path"))
    var dfnsUserAction: String?

    @Option(name: .long, help: ArgumentHelp("A Dfns registration challenge document (- for stdin).", valueName: "path"))
    var dfnsRegistration: String?

    @Option(name: .long, help: "The relying party ID (required for --registration / --assertion; for a Dfns challenge it overrides the challenge's deprecated rp.id).")
    var rpId: String?

    @Option(name: .long, help: "The relying party's name (registration).")
    var rpName: String?

    @Option(name: .long, help: ArgumentHelp("--registration: the user handle, base64url.", valueName: "base64url"))
    var userId: String?

    @Option(name: .long, help: "--registration: user.name.")
    var userName: String?

    @Option(name: .long, help: "--registration: user.displayName.")
    var userDisplayName: String = ""

    @Option(name: .long, help: ArgumentHelp("A credential to exclude / allow, base64url (repeat for more).", valueName: "base64url"))
    var credential: [String] = []

    @Option(name: .long, help: ArgumentHelp("The challenge, base64url (default: 32 random bytes).", valueName: "base64url"))
    var challenge: String?

    @Flag(name: .long, help: "The policy requires user verification.")
    var requireUserVerification = false

    @Option(name: .long, help: "The timeout in milliseconds (0 leaves it out).")
    var timeout: UInt32 = 0

    func run() throws {
        try reportingToolErrors {
            do {
                print(try options())
            } catch let error as WireShapeError {
                throw ToolError(code: "invalid_challenge", message: error.description)
            }
        }
    }

    private func document(_ path: String) throws -> JSONValue {
        let text = try Console.readFile(path, limit: 1 << 20)
        do {
            return try JSONParser().parse(text)
        } catch {
            throw ToolError(code: "invalid_challenge", message: "\(path) is not JSON: \(error)")
        }
    }

    private func options() throws -> String {
        let timeoutMs = timeout == 0 ? nil : timeout
        switch (source, dfnsUserAction, dfnsRegistration) {
        case (nil, let path?, nil):
            return try DfnsChallengeOptions.requestOptions(userActionChallenge: document(path), rpId: rpId, timeout: timeoutMs).text
        case (nil, nil, let path?):
            return try DfnsChallengeOptions.creationOptions(registrationChallenge: document(path), rpId: rpId, rpName: rpName,
                                                            timeout: timeoutMs).text
        case (let source?, nil, nil):
            guard let rpId else { throw ToolError(code: "invalid_argument", message: "give --rp-id") }
            var policy = RelyingPartyPolicy(rpId: rpId, allowedOrigins: [])
            policy.requireUserVerification = requireUserVerification
            let descriptors = try credential.map { PublicKeyCredentialDescriptorJSON(id: try ToolError.base64URLArgument($0, "--credential")) }
            let given = try challenge.map { try ToolError.base64URLArgument($0, "--challenge") }
            if source == .registration {
                guard let rpName, let userName, let userId else {
                    throw ToolError(code: "invalid_argument", message: "--registration needs --rp-name, --user-name and --user-id")
                }
                var inputs = RegistrationOptionsInputs(rpName: rpName, userId: try ToolError.base64URLArgument(userId, "--user-id"), userName: userName,
                                                       userDisplayName: userDisplayName)
                inputs.challenge = given
                inputs.excludeCredentials = descriptors
                inputs.timeout = timeoutMs
                return try policy.creationOptions(inputs).text
            }
            var inputs = AuthenticationOptionsInputs()
            inputs.challenge = given
            inputs.allowCredentials = descriptors
            inputs.timeout = timeoutMs
            return try policy.requestOptions(inputs).text
        default:
            throw ToolError(code: "invalid_argument",
                            message: "give exactly one of --registration, --assertion, --dfns-user-action FILE, --dfns-registration FILE")
        }
    }
}

import ArgumentParser
import DfnsEncoding
import DfnsWebAuthn

/// `dfns-bridge verify-json`: verifies a `PublicKeyCredential.toJSON()` document (registration or
/// assertion) as a relying party would, and prints the verified values and the client's outputs as
/// one JSON document.
struct VerifyJSONCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-json",
        abstract: "Verify a PublicKeyCredential.toJSON() document (RegistrationResponseJSON or AuthenticationResponseJSON).",
        discussion: """
            The document is read from a file (- for stdin), strictly: a missing member, a member of \
            the wrong type, bad base64url, id differing from rawId or a type other than public-key \
            is malformed_credential_json, naming the member. On success one JSON document is printed \
            (members sorted); errors print "error: <code>: <message>" on stderr and exit with status 1.
            """
    )

    /// Which ceremony the document answers.
    enum Ceremony: String, EnumerableFlag {
        case registration, assertion
    }

    @Flag(help: "The ceremony the document answers.")
    var ceremony: Ceremony

    @Argument(help: ArgumentHelp("The document (a file; - reads stdin).", valueName: "path"))
    var path: String

    @Option(name: .long, help: "The relying party ID, e.g. example.org.")
    var rpId: String

    @Option(name: .long, help: ArgumentHelp("An accepted origin (repeat for more).", valueName: "origin"))
    var origin: [String]

    @Option(name: .long, help: ArgumentHelp("The challenge issued for this ceremony, base64url.", valueName: "base64url"))
    var challenge: String

    @Flag(name: .long, help: "Require user verification (the UV flag).")
    var requireUserVerification = false

    @Option(name: .long, help: ArgumentHelp("Assertion: the stored credential public key (COSE_Key), base64url.", valueName: "base64url"))
    var publicKey: String?

    @Option(name: .long, help: ArgumentHelp("Assertion: the stored credential's ID, base64url (default: the document's rawId, so only its form is checked).", valueName: "base64url"))
    var credentialId: String?

    @Option(name: .long, help: "Assertion: the stored signature counter.")
    var signCount: UInt32 = 0

    func run() throws {
        try reportingToolErrors { print(JSONWriter.string(try verify())) }
    }

    /// The verified values and the client's outputs, members sorted.
    private func verify() throws -> JSONValue {
        guard !origin.isEmpty else { throw ToolError(code: "invalid_argument", message: "give at least one --origin") }
        let document = try Console.readFile(path, limit: max(RegistrationResponseJSON.maxLength, AuthenticationResponseJSON.maxLength))
        var policy = RelyingPartyPolicy(rpId: rpId, allowedOrigins: origin)
        policy.requireUserVerification = requireUserVerification
        let expected = try ToolError.base64URLArgument(challenge, "--challenge")
        switch ceremony {
        case .registration:
            let result = try RegistrationVerifier(policy: policy).verify(responseJSON: document, expectedChallenge: expected)
            let r = result.registration
            return sorted([
                ("ceremony", .string("registration")),
                ("credentialId", .string(Base64URL.encode(r.credentialId))),
                ("publicKey", .string(Base64URL.encode(r.credentialPublicKey.coseBytes))),
                ("algorithm", .number(String(r.algorithm.rawValue))),
                ("format", .string(r.format)),
                ("attestationType", .string(r.attestationType.rawValue)),
                ("aaguid", .string(Hex.encode(r.aaguid))),
                ("signCount", .number(String(r.signCount))),
                ("flags", .number(String(r.flags.rawValue))),
            ] + outputs(result.clientOutputs))
        case .assertion:
            guard let publicKey else { throw ToolError(code: "invalid_argument", message: "an assertion needs --public-key") }
            let key = try CredentialPublicKey(coseBytes: try ToolError.base64URLArgument(publicKey, "--public-key"))
            let parsed = try AuthenticationResponseJSON(json: document)
            let id = try credentialId.map { try ToolError.base64URLArgument($0, "--credential-id") } ?? parsed.rawId
            let credential = StoredCredential(credentialId: id, publicKey: key, signCount: signCount)
            let result = try AssertionVerifier(policy: policy).verify(response: parsed, expectedChallenge: expected, credential: credential)
            return sorted([
                ("ceremony", .string("assertion")),
                ("credentialId", .string(Base64URL.encode(parsed.rawId))),
                ("signCount", .number(String(result.assertion.signCount))),
                ("signCountRegressed", .bool(result.assertion.signCountRegressed)),
                ("flags", .number(String(result.assertion.flags.rawValue))),
            ] + outputs(result.clientOutputs))
        }
    }

    private func outputs(_ outputs: CredentialClientOutputs) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [("clientExtensionResults", outputs.clientExtensionResults.json)]
        if let transports = outputs.transports { members.append(("transports", .array(transports.map(JSONValue.string)))) }
        if let attachment = outputs.authenticatorAttachment { members.append(("authenticatorAttachment", .string(attachment))) }
        if let handle = outputs.userHandle { members.append(("userHandle", .string(Base64URL.encode(handle)))) }
        return members
    }

    private func sorted(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(members.sorted { $0.0 < $1.0 })
    }
}

import ArgumentParser

/// `dfns-bridge device`: an end user's phone holding a passkey, in its own process, so that a
/// Delegated Signing walkthrough shows the backend never holding the credential. The passkey is
/// made and used by the library's ``SoftwareAuthenticator`` (through ``Fido2Attestation`` and
/// ``WebAuthnSigner``); between runs it lives in a state file only this device reads.
struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Play an end user's device: create a passkey from a Dfns challenge, sign challenges with it.",
        discussion: """
            The backend starts a flow and hands the device the challenge JSON it received from Dfns \
            (on stdin); the device answers with one JSON line on stdout for the backend to complete \
            the flow with. The passkey (an ES256 key of the library's software authenticator) is kept \
            in the --state file (mode 0600), never printed:

              dfns-bridge device create --state phone.json --rp-id app.example.com \\
                  --origin https://app.example.com < registration-challenge.json
              dfns-bridge device sign --state phone.json < action-challenge.json
              dfns-bridge device show --state phone.json

            Errors print "error: <code>: <message>" on stderr and exit with status 1. The state file \
            holds the private key in the clear: this is a development and demonstration device, not \
            a secure element.
            """,
        subcommands: [DeviceCreateCommand.self, DeviceSignCommand.self, DeviceShowCommand.self]
    )
}

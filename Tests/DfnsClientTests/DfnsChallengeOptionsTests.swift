import DfnsClient
import DfnsEncoding
import DfnsProtocol
import DfnsWebAuthn
import Testing

/// Dfns challenges → the WebAuthn options a passkey device needs.
@Suite("Dfns challenges to WebAuthn options")
struct DfnsChallengeOptionsTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONParser().parse(Array(text.utf8)) }

    /// A user-action challenge as `/auth/action/init` answers it, around the reference vectors' challenge.
    static func userActionChallenge(_ challenge: String, extra: String = "") -> String {
        #"{"challenge":"\#(challenge)","challengeIdentifier":"eyJ0.e30.sig","userVerification":"required","#
            + #""supportedCredentialKinds":[{"kind":"Key","factor":"first"},{"kind":"Fido2","factor":"either"}],"#
            + #""allowCredentials":{"key":[{"type":"public-key","id":"cr-key"}],"#
            + #""webauthn":[{"type":"public-key","id":"AQIDBA","transports":["internal","hybrid"]},{"type":"public-key","id":"BQYH"}]},"#
            + #""rp":{"id":"deprecated.example","name":"Old"},"externalAuthenticationUrl":"https://x"\#(extra)}"#
    }

    static let registrationChallenge = #"{"user":{"id":"us-3p7tq-abc","name":"alice@example.org","displayName":"Alice"},"#
        + #""temporaryAuthenticationToken":"tok","challenge":"Y2gtMzllNDYtZXhhbXBsZQ","rp":{"id":"app.example.org","name":"Example"},"#
        + #""supportedCredentialKinds":{"firstFactor":["Fido2","Key"],"secondFactor":["Totp"]},"#
        + #""authenticatorSelection":{"authenticatorAttachment":"platform","residentKey":"required","requireResidentKey":true,"userVerification":"required"},"#
        + #""attestation":"direct","pubKeyCredParams":[{"type":"public-key","alg":-7},{"type":"public-key","alg":-257}],"#
        + #""excludeCredentials":[{"type":"public-key","id":"CQkJ","transports":["usb"]}],"otpUrl":"otpauth://x"}"#

    @Test("a user-action challenge becomes request options: challenge verbatim, passkeys with transports, the configured RP ID")
    func userAction() throws {
        let challenge = try DfnsReferenceVectors.string("key_assertion", "challenge")
        let options = try DfnsChallengeOptions.requestOptions(userActionChallenge: Self.parse(Self.userActionChallenge(challenge)),
                                                              rpId: "app.example.org", timeout: 60000)
        #expect(options.text == #"{"allowCredentials":[{"id":"AQIDBA","transports":["internal","hybrid"],"type":"public-key"},{"id":"BQYH","type":"public-key"}],"challenge":"\#(challenge)","rpId":"app.example.org","timeout":60000,"userVerification":"required"}"#)
        // Without a configured RP ID, the deprecated `rp.id` of the challenge.
        let fallback = try DfnsChallengeOptions.requestOptions(userActionChallenge: Self.parse(Self.userActionChallenge(challenge)), rpId: nil)
        #expect(fallback.rpId == "deprecated.example")
        #expect(fallback.timeout == nil)
    }

    @Test("the options answer the challenge: a passkey's assertion carries the Dfns challenge verbatim and verifies")
    func userActionCeremony() throws {
        let authenticator = SoftwareAuthenticator()
        let rpId = "app.example.org", origin = "https://app.example.org"
        let registration = try authenticator.register(rpId: rpId, origin: origin, challenge: Array(repeating: 1, count: 32))
        let challenge = try DfnsReferenceVectors.string("key_assertion", "challenge")
        let document = #"{"challenge":"\#(challenge)","challengeIdentifier":"id","allowCredentials":{"webauthn":[{"type":"public-key","id":"\#(Base64URL.encode(registration.credentialId))"}]}}"#
        let options = try DfnsChallengeOptions.requestOptions(userActionChallenge: Self.parse(document), rpId: rpId)
        #expect(options.userVerification == .preferred)
        let assertion = try authenticator.authenticate(rpId: options.rpId!, origin: origin, challenge: options.challenge,
                                                       credentialId: options.allowCredentials[0].id)
        let clientData = try JSONParser().parse(assertion.clientDataJSON)
        #expect(clientData["challenge"]?.stringValue == challenge)
        let policy = RelyingPartyPolicy(rpId: rpId, allowedOrigins: [origin])
        let registered = try RegistrationVerifier(policy: policy).verify(clientDataJSON: registration.clientDataJSON,
                                                                         attestationObject: registration.attestationObject,
                                                                         expectedChallenge: Array(repeating: 1, count: 32))
        _ = try AssertionVerifier(policy: policy).verify(
            clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData, signature: assertion.signature,
            expectedChallenge: try Base64URL.decode(challenge),
            credential: StoredCredential(credentialId: registered.credentialId, publicKey: registered.credentialPublicKey, signCount: 0))
    }

    @Test("a registration challenge becomes creation options: user id as UTF-8 bytes, algorithms in order")
    func registration() throws {
        let options = try DfnsChallengeOptions.creationOptions(registrationChallenge: Self.parse(Self.registrationChallenge),
                                                               rpId: nil, rpName: nil)
        #expect(options.text == #"{"attestation":"direct","authenticatorSelection":{"authenticatorAttachment":"platform","requireResidentKey":true,"residentKey":"required","userVerification":"required"},"challenge":"Y2gtMzllNDYtZXhhbXBsZQ","excludeCredentials":[{"id":"CQkJ","transports":["usb"],"type":"public-key"}],"pubKeyCredParams":[{"alg":-7,"type":"public-key"},{"alg":-257,"type":"public-key"}],"rp":{"id":"app.example.org","name":"Example"},"user":{"displayName":"Alice","id":"\#(Base64URL.encode(Array("us-3p7tq-abc".utf8)))","name":"alice@example.org"}}"#)
        let configured = try DfnsChallengeOptions.creationOptions(registrationChallenge: Self.parse(Self.registrationChallenge),
                                                                  rpId: "mine.example", rpName: "Mine", timeout: 1000)
        #expect(configured.rpId == "mine.example")
        #expect(configured.rpName == "Mine")
        #expect(configured.timeout == 1000)

        // The options drive a registration that verifies against the Dfns challenge.
        let authenticator = SoftwareAuthenticator()
        let registration = try authenticator.register(rpId: "app.example.org", origin: "https://app.example.org",
                                                      challenge: options.challenge, userHandle: options.userId)
        let policy = RelyingPartyPolicy(rpId: "app.example.org", allowedOrigins: ["https://app.example.org"])
        _ = try RegistrationVerifier(policy: policy).verify(clientDataJSON: registration.clientDataJSON,
                                                            attestationObject: registration.attestationObject,
                                                            expectedChallenge: try Base64URL.decode("Y2gtMzllNDYtZXhhbXBsZQ"))
    }

    static let userActionRefusals: [(String, String)] = [
        (#"{"challengeIdentifier":"i"}"#, #"member "challenge" is missing"#),
        (#"{"challenge":"a+b","challengeIdentifier":"i","rp":{"id":"r"}}"#, #"member "challenge" is not base64url"#),
        (#"{"challenge":"Y2g","supportedCredentialKinds":[{"kind":"Key","factor":"first"}]}"#, "does not list Fido2"),
        (#"{"challenge":"Y2g","userVerification":"always"}"#, #"member "userVerification" is not one of"#),
        (#"{"challenge":"Y2g","allowCredentials":{"webauthn":[{"type":"public-key","id":"!!"}]}}"#, #"member "allowCredentials.webauthn.0.id" is not base64url"#),
        (#"{"challenge":"Y2g","allowCredentials":{"webauthn":[{"type":"password","id":"AQ"}]}}"#, #"member "allowCredentials.webauthn.0.type" is not "public-key""#),
        (#"{"challenge":"Y2g","allowCredentials":{"webauthn":[{"type":"public-key","id":"AQ","transports":"usb"}]}}"#, #"member "allowCredentials.webauthn.0.transports" is a string, not an array"#),
        (#"{"challenge":"Y2g"}"#, #"member "rp.id" is missing and no RP ID was configured"#),
    ]

    @Test("a user-action challenge the options cannot come from is refused, the member named", arguments: 0..<userActionRefusals.count)
    func userActionRefusal(index: Int) throws {
        let (document, words) = Self.userActionRefusals[index]
        do {
            _ = try DfnsChallengeOptions.requestOptions(userActionChallenge: Self.parse(document), rpId: document.contains("\"rp\"") || index == 7 ? nil : "r")
            Issue.record("accepted \(document)")
        } catch let error as WireShapeError {
            #expect(error.description.contains(words), "\(error.description)")
        }
    }

    static let registrationRefusals: [(String, String)] = [
        (#"{"user":{"id":"u","name":"n","displayName":"d"},"challenge":"Y2g","pubKeyCredParams":[]}"#, #"member "pubKeyCredParams" is missing or empty"#),
        (#"{"user":{"id":"u","name":"n","displayName":"d"},"challenge":"Y2g","pubKeyCredParams":[{"type":"public-key","alg":"ES256"}]}"#, #"member "pubKeyCredParams.0.alg" is not an integer"#),
        (#"{"user":{"id":"u","name":"n"},"challenge":"Y2g","pubKeyCredParams":[{"type":"public-key","alg":-7}]}"#, #"member "user.displayName" is missing"#),
        (#"{"challenge":"Y2g","pubKeyCredParams":[{"type":"public-key","alg":-7}]}"#, #"member "user" is missing"#),
        (#"{"user":{"id":"u","name":"n","displayName":"d"},"challenge":"Y2g","pubKeyCredParams":[{"type":"public-key","alg":-7}],"attestation":"all"}"#, #"member "attestation" is not one of"#),
        (#"{"user":{"id":"u","name":"n","displayName":"d"},"challenge":"Y2g","pubKeyCredParams":[{"type":"public-key","alg":-7}],"authenticatorSelection":{"residentKey":"yes"}}"#, #"member "authenticatorSelection.residentKey" is not one of"#),
        (#"{"user":{"id":"u","name":"n","displayName":"d"},"challenge":"Y2g","pubKeyCredParams":[{"type":"public-key","alg":-7}],"supportedCredentialKinds":{"firstFactor":["Key"],"secondFactor":["Totp"]}}"#, "does not offer Fido2"),
        (#"{"user":{"id":"u","name":"n","displayName":"d"},"challenge":"Y2g","pubKeyCredParams":[{"type":"public-key","alg":-7}]}"#, #"member "rp.name" is missing"#),
    ]

    @Test("a registration challenge the options cannot come from is refused, the member named", arguments: 0..<registrationRefusals.count)
    func registrationRefusal(index: Int) throws {
        let (document, words) = Self.registrationRefusals[index]
        do {
            _ = try DfnsChallengeOptions.creationOptions(registrationChallenge: Self.parse(document), rpId: "r",
                                                         rpName: index == 7 ? nil : "R")
            Issue.record("accepted \(document)")
        } catch let error as WireShapeError {
            #expect(error.description.contains(words), "\(error.description)")
        }
    }
}

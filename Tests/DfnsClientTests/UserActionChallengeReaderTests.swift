import DfnsEncoding
import DfnsProtocol
import Foundation
import Testing

/// `UserActionChallenge(json:)` (the C ABI's signing path) against the type's Decodable conformance:
/// the same value for every document Decodable accepts, a refusal for every one it refuses.
@Suite("UserActionChallenge read from a parsed document")
struct UserActionChallengeReaderTests {
    static let accepted: [String] = [
        #"{"challenge":"Y2g","challengeIdentifier":"cid"}"#,
        #"{"challenge":"Y2g","challengeIdentifier":"cid","userVerification":"required","attestation":"none","#
            + #""supportedCredentialKinds":[{"kind":"Key","factor":"first","requiresSecondFactor":false},{"kind":"Fido2","factor":"either"}],"#
            + #""allowCredentials":{"key":[{"type":"public-key","id":"k1"}],"webauthn":[{"type":"public-key","id":"w1","transports":["usb"]}],"#
            + #""passwordProtectedKey":[{"type":"public-key","id":"p1","encryptedPrivateKey":"env"}]},"#
            + #""rp":{"id":"app.example.com","name":"App"},"externalAuthenticationUrl":"https://x","unknown":{"deep":[1,2]}}"#,
        #"{"challenge":"Y2g","challengeIdentifier":"cid","allowCredentials":null,"rp":null,"userVerification":null}"#,
        #"{"challenge":"Y2g","challengeIdentifier":"cid","allowCredentials":{},"supportedCredentialKinds":[]}"#,
        #"{"challenge":"Y2g","challengeIdentifier":"cid","allowCredentials":{"key":null,"webauthn":[]},"rp":{"id":"r"}}"#,
    ]

    static let refused: [(String, String)] = [
        (#"{"challengeIdentifier":"cid"}"#, #"member "challenge" is missing"#),
        (#"{"challenge":null,"challengeIdentifier":"cid"}"#, #"member "challenge" is missing"#),
        (#"{"challenge":7,"challengeIdentifier":"cid"}"#, #"member "challenge" is a number, not a string"#),
        (#"{"challenge":"c"}"#, #"member "challengeIdentifier" is missing"#),
        (#"{"challenge":"c","challengeIdentifier":"i","allowCredentials":[]}"#, #"member "allowCredentials" is an array, not an object"#),
        (#"{"challenge":"c","challengeIdentifier":"i","allowCredentials":{"key":{}}}"#, #"member "allowCredentials.key" is an object, not an array"#),
        (#"{"challenge":"c","challengeIdentifier":"i","allowCredentials":{"key":[{"id":"k"}]}}"#, #"member "allowCredentials.key.0.type" is missing"#),
        (#"{"challenge":"c","challengeIdentifier":"i","allowCredentials":{"key":[null]}}"#, #"member "allowCredentials.key.0" is a null, not an object"#),
        (#"{"challenge":"c","challengeIdentifier":"i","allowCredentials":{"passwordProtectedKey":[{"type":"public-key","id":"p"}]}}"#,
         #"member "allowCredentials.passwordProtectedKey.0.encryptedPrivateKey" is missing"#),
        (#"{"challenge":"c","challengeIdentifier":"i","supportedCredentialKinds":[{"kind":"Key","factor":"first","requiresSecondFactor":"no"}]}"#,
         #"member "supportedCredentialKinds.0.requiresSecondFactor" is a string, not a boolean"#),
        (#"{"challenge":"c","challengeIdentifier":"i","rp":{"name":"x"}}"#, #"member "rp.id" is missing"#),
        (#"{"challenge":"c","challengeIdentifier":"i","userVerification":true}"#, #"member "userVerification" is a boolean, not a string"#),
        (#"["challenge"]"#, "the document is an array, not an object"),
    ]

    @Test("every accepted shape gives what JSONDecoder gives", arguments: accepted)
    func same(_ text: String) throws {
        let decoded = try JSONDecoder().decode(UserActionChallenge.self, from: Data(text.utf8))
        let read = try UserActionChallenge(json: try JSONParser().parse(Array(text.utf8)))
        #expect(read == decoded)
    }

    @Test("every refused shape is refused by both, naming the member", arguments: refused)
    func refusedByBoth(_ text: String, _ message: String) throws {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(UserActionChallenge.self, from: Data(text.utf8)) }
        let document = try JSONParser().parse(Array(text.utf8))
        #expect { try UserActionChallenge(json: document) } throws: { error in
            (error as? WireShapeError)?.description == message
        }
    }
}

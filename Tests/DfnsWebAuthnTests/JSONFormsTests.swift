import DfnsCBOR
import DfnsCrypto
import DfnsEncoding
import DfnsWebAuthn
import Foundation
import Testing

/// `PublicKeyCredential.toJSON()` documents in, options JSON out.
@Suite("WebAuthn JSON forms")
struct JSONFormsTests {
    let rpId = "example.org"
    let origin = "https://example.org"
    let challenge: [UInt8] = Array(0..<32)

    var policy: RelyingPartyPolicy { RelyingPartyPolicy(rpId: rpId, allowedOrigins: [origin]) }

    // MARK: - Documents

    static func b64(_ bytes: [UInt8]) -> JSONValue { .string(Base64URL.encode(bytes)) }

    static let extensionResults: JSONValue = .object([
        ("credProps", .object([("rk", .bool(true))])),
        ("appidExclude", .bool(false)),
        ("prf", .object([("enabled", .bool(true)), ("results", .object([("first", b64(Array(repeating: 7, count: 32)))]))])),
        ("someFutureExtension", .number("1")),
    ])

    func registrationDocument(_ registration: SoftwareAuthenticator.Registration,
                              extensions: JSONValue = JSONFormsTests.extensionResults) -> JSONValue {
        .object([
            ("id", Self.b64(registration.credentialId)),
            ("rawId", Self.b64(registration.credentialId)),
            ("type", .string("public-key")),
            ("response", .object([
                ("clientDataJSON", Self.b64(registration.clientDataJSON)),
                ("attestationObject", Self.b64(registration.attestationObject)),
                ("transports", .array([.string("internal"), .string("hybrid")])),
                ("publicKeyAlgorithm", .number("-7")),
            ])),
            ("authenticatorAttachment", .string("platform")),
            ("clientExtensionResults", extensions),
            ("unknownTopLevel", .string("ignored")),
        ])
    }

    func assertionDocument(_ assertion: SoftwareAuthenticator.Assertion, extensions: JSONValue = .object([])) -> JSONValue {
        .object([
            ("id", Self.b64(assertion.credentialId)),
            ("rawId", Self.b64(assertion.credentialId)),
            ("type", .string("public-key")),
            ("response", .object([
                ("clientDataJSON", Self.b64(assertion.clientDataJSON)),
                ("authenticatorData", Self.b64(assertion.authenticatorData)),
                ("signature", Self.b64(assertion.signature)),
                ("userHandle", Self.b64(assertion.userHandle)),
            ])),
            ("authenticatorAttachment", .string("cross-platform")),
            ("clientExtensionResults", extensions),
        ])
    }

    /// `document` with the member at `path` replaced by `value` (nil removes it).
    static func replacing(_ document: JSONValue, _ path: [String], with value: JSONValue?) -> JSONValue {
        guard case .object(var members) = document, let first = path.first else { return value ?? .null }
        if path.count == 1 {
            if let index = members.firstIndex(where: { $0.0 == first }) {
                if let value { members[index].1 = value } else { members.remove(at: index) }
            } else if let value {
                members.append((first, value))
            }
        } else if let index = members.firstIndex(where: { $0.0 == first }) {
            members[index].1 = replacing(members[index].1, Array(path.dropFirst()), with: value)
        }
        return .object(members)
    }

    func expectFailure(_ code: WebAuthnError.Code, _ fragment: String? = nil, _ body: () throws(WebAuthnError) -> Void) {
        do {
            try body()
            Issue.record("expected \(code.name), the call succeeded")
        } catch {
            #expect(error.code == code, "expected \(code.name), found \(error)")
            if let fragment { #expect(error.message.contains(fragment), "\"\(error.message)\" does not say \"\(fragment)\"") }
        }
    }

    func registered() throws -> (SoftwareAuthenticator, SoftwareAuthenticator.Registration) {
        let authenticator = SoftwareAuthenticator()
        let registration = try authenticator.register(rpId: rpId, origin: origin, challenge: challenge, userHandle: [9, 9, 9])
        return (authenticator, registration)
    }

    // MARK: - Round trips

    @Test("a registration's toJSON() form verifies and reports the client's outputs")
    func registrationRoundTrip() throws {
        let (_, registration) = try registered()
        let text = JSONWriter.bytes(registrationDocument(registration))
        let result = try RegistrationVerifier(policy: policy).verify(responseJSON: text, expectedChallenge: challenge)
        #expect(result.registration.credentialId == registration.credentialId)
        #expect(result.clientOutputs.transports == ["internal", "hybrid"])
        #expect(result.clientOutputs.authenticatorAttachment == "platform")
        let extensions = result.clientOutputs.clientExtensionResults
        #expect(extensions.credentialPropertiesPresent)
        #expect(extensions.credentialPropertiesResidentKey == true)
        #expect(extensions.appidExclude == false)
        #expect(extensions.appid == nil)
        #expect(extensions.prfEnabled == true)
        #expect(extensions.prfResultsPresent)
        // The PRF output is not kept; unknown extensions are, sorted.
        #expect(JSONWriter.string(extensions.json)
                == #"{"appidExclude":false,"credProps":{"rk":true},"prf":{"enabled":true},"someFutureExtension":1}"#)
        let parsed = try RegistrationResponseJSON(json: text)
        #expect(parsed.publicKeyAlgorithm == -7)
        #expect(parsed.rawId == registration.credentialId)
    }

    @Test("an assertion's toJSON() form verifies and reports the user handle and appid")
    func assertionRoundTrip() throws {
        let (authenticator, registration) = try registered()
        let verified = try RegistrationVerifier(policy: policy).verify(
            responseJSON: JSONWriter.bytes(registrationDocument(registration)), expectedChallenge: challenge)
        let credential = StoredCredential(credentialId: verified.registration.credentialId,
                                          publicKey: verified.registration.credentialPublicKey, signCount: 0)
        let assertion = try authenticator.authenticate(rpId: rpId, origin: origin, challenge: challenge, credentialId: registration.credentialId)
        let text = JSONWriter.bytes(assertionDocument(assertion, extensions: .object([("appid", .bool(true))])))
        let peeked = try AuthenticationResponseJSON(json: text)
        #expect(peeked.rawId == registration.credentialId)
        let result = try AssertionVerifier(policy: policy).verify(responseJSON: text, expectedChallenge: challenge, credential: credential)
        #expect(result.assertion.signCount == 1)
        #expect(result.clientOutputs.userHandle == [9, 9, 9])
        #expect(result.clientOutputs.authenticatorAttachment == "cross-platform")
        #expect(result.appidExtensionUsed)
        #expect(result.clientOutputs.transports == nil)

        // The same document for another stored credential: rawId does not name it.
        var other = credential
        other.credentialId = [1, 2, 3]
        expectFailure(.credentialIdMismatch) { () throws(WebAuthnError) in
            _ = try AssertionVerifier(policy: policy).verify(responseJSON: text, expectedChallenge: challenge, credential: other)
        }
        // A signature changed by one bit fails as a signature, after the JSON was accepted.
        var badSignature = assertion.signature
        badSignature[badSignature.count - 1] ^= 1
        let tampered = Self.replacing(assertionDocument(assertion), ["response", "signature"], with: Self.b64(badSignature))
        expectFailure(.signatureInvalid) { () throws(WebAuthnError) in
            _ = try AssertionVerifier(policy: policy).verify(responseJSON: JSONWriter.bytes(tampered), expectedChallenge: challenge, credential: credential)
        }
    }

    @Test("optional members may be absent: a Level 2 client's document")
    func minimalDocuments() throws {
        let (_, registration) = try registered()
        var document = registrationDocument(registration, extensions: .object([]))
        for path in [["response", "transports"], ["response", "publicKeyAlgorithm"], ["authenticatorAttachment"]] {
            document = Self.replacing(document, path, with: nil)
        }
        let result = try RegistrationVerifier(policy: policy).verify(responseJSON: JSONWriter.bytes(document), expectedChallenge: challenge)
        #expect(result.clientOutputs.transports == nil)
        #expect(result.clientOutputs.authenticatorAttachment == nil)
        #expect(result.clientOutputs.clientExtensionResults == ClientExtensionResults())
    }

    // MARK: - Refusals

    /// (path, replacement, the words the message must contain). nil removes the member.
    static let registrationRefusals: [([String], JSONValue?, String)] = [
        (["id"], nil, "id is missing"),
        (["rawId"], nil, "rawId is missing"),
        (["type"], nil, "type is missing"),
        (["response"], nil, "response is missing"),
        (["clientExtensionResults"], nil, "clientExtensionResults is missing"),
        (["response", "clientDataJSON"], nil, "response.clientDataJSON is missing"),
        (["response", "attestationObject"], nil, "response.attestationObject is missing"),
        (["type"], .string("password"), "type is not \"public-key\""),
        (["type"], .number("1"), "type is a number, not a string"),
        (["id"], .string("AAAA"), "id names"),
        (["id"], .string("not base64url!"), "id is not base64url"),
        (["rawId"], .string("a+b/"), "rawId is not base64url"),
        (["rawId"], .number("5"), "rawId is a number"),
        (["response"], .array([]), "response is a JSON array, not an object"),
        (["response", "clientDataJSON"], .string("eyJ=="), "response.clientDataJSON is not base64url"),
        (["response", "attestationObject"], .string("o2Nm bXQ"), "response.attestationObject is not base64url"),
        (["response", "attestationObject"], .null, "response.attestationObject is a null, not a string"),
        (["response", "authenticatorData"], .string("%%"), "response.authenticatorData is not base64url"),
        (["response", "publicKey"], .string("*"), "response.publicKey is not base64url"),
        (["response", "publicKeyAlgorithm"], .string("-7"), "response.publicKeyAlgorithm is a string, not an integer"),
        (["response", "publicKeyAlgorithm"], .number("1.5"), "response.publicKeyAlgorithm is not an integer"),
        (["response", "transports"], .string("usb"), "response.transports is a string, not an array of strings"),
        (["response", "transports"], .array([.number("1")]), "response.transports[0] is a number, not a string"),
        (["authenticatorAttachment"], .bool(true), "authenticatorAttachment is a boolean, not a string"),
        (["clientExtensionResults"], .array([]), "clientExtensionResults is a JSON array, not an object"),
        (["clientExtensionResults", "credProps"], .object([("rk", .string("yes"))]), "clientExtensionResults.credProps.rk is a string, not a boolean"),
        (["clientExtensionResults", "appidExclude"], .string("true"), "clientExtensionResults.appidExclude is a string, not a boolean"),
        (["clientExtensionResults", "largeBlob"], .object([("blob", .string("!"))]), "clientExtensionResults.largeBlob.blob is not base64url"),
        (["clientExtensionResults", "prf"], .object([("results", .object([("first", .string("="))]))]), "clientExtensionResults.prf.results.first is not base64url"),
    ]

    @Test("a registration document with a wrong member is refused, the member named", arguments: 0..<registrationRefusals.count)
    func registrationRefusal(index: Int) throws {
        let (path, value, words) = Self.registrationRefusals[index]
        let (_, registration) = try registered()
        let document = Self.replacing(registrationDocument(registration), path, with: value)
        expectFailure(.malformedCredentialJSON, words) { () throws(WebAuthnError) in
            _ = try RegistrationVerifier(policy: policy).verify(responseJSON: JSONWriter.bytes(document), expectedChallenge: challenge)
        }
    }

    static let assertionRefusals: [([String], JSONValue?, String)] = [
        (["response", "signature"], .string("MEUC+"), "response.signature is not base64url"),
        (["response", "signature"], nil, "response.signature is missing"),
        (["response", "authenticatorData"], .string("SZYN5=="), "response.authenticatorData is not base64url"),
        (["response", "authenticatorData"], nil, "response.authenticatorData is missing"),
        (["response", "userHandle"], .string("a b"), "response.userHandle is not base64url"),
        (["response", "userHandle"], .number("0"), "response.userHandle is a number, not a string"),
        (["response", "clientDataJSON"], .object([]), "response.clientDataJSON is an object, not a string"),
        (["clientExtensionResults", "appid"], .string("true"), "clientExtensionResults.appid is a string, not a boolean"),
        (["clientExtensionResults", "largeBlob"], .object([("written", .number("1"))]), "clientExtensionResults.largeBlob.written is a number"),
        (["type"], .string("Public-Key"), "type is not \"public-key\""),
    ]

    @Test("an assertion document with a wrong member is refused, the member named", arguments: 0..<assertionRefusals.count)
    func assertionRefusal(index: Int) throws {
        let (path, value, words) = Self.assertionRefusals[index]
        let (authenticator, registration) = try registered()
        let assertion = try authenticator.authenticate(rpId: rpId, origin: origin, challenge: challenge, credentialId: registration.credentialId)
        let document = Self.replacing(assertionDocument(assertion), path, with: value)
        expectFailure(.malformedCredentialJSON, words) { () throws(WebAuthnError) in
            _ = try AuthenticationResponseJSON(json: JSONWriter.bytes(document))
        }
    }

    @Test("documents that are not JSON, repeat a member, are not objects or are too large are refused")
    func documentLevelRefusals() throws {
        let (_, registration) = try registered()
        let good = JSONWriter.string(registrationDocument(registration))
        // A duplicate member: the strict parser refuses it, whatever its value.
        let duplicated = "{\"type\":\"public-key\"," + good.dropFirst()
        expectFailure(.malformedCredentialJSON, "duplicate") { () throws(WebAuthnError) in
            _ = try RegistrationResponseJSON(json: Array(duplicated.utf8))
        }
        expectFailure(.malformedCredentialJSON, "is not JSON") { () throws(WebAuthnError) in
            _ = try RegistrationResponseJSON(json: Array(good.dropLast().utf8))
        }
        expectFailure(.malformedCredentialJSON, "the document is a JSON array, not an object") { () throws(WebAuthnError) in
            _ = try AuthenticationResponseJSON(json: Array("[]".utf8))
        }
        let huge = [UInt8](repeating: 0x20, count: RegistrationResponseJSON.maxLength + 1)
        expectFailure(.inputTooLarge) { () throws(WebAuthnError) in _ = try RegistrationResponseJSON(json: huge) }
        expectFailure(.inputTooLarge) { () throws(WebAuthnError) in _ = try AuthenticationResponseJSON(json: huge) }
    }

    @Test("a registration whose id and rawId agree but name another credential fails as credentialIdMismatch")
    func registrationRawIdMismatch() throws {
        let (_, registration) = try registered()
        var document = Self.replacing(registrationDocument(registration), ["id"], with: Self.b64([1, 2, 3, 4]))
        document = Self.replacing(document, ["rawId"], with: Self.b64([1, 2, 3, 4]))
        expectFailure(.credentialIdMismatch) { () throws(WebAuthnError) in
            _ = try RegistrationVerifier(policy: policy).verify(responseJSON: JSONWriter.bytes(document), expectedChallenge: challenge)
        }
    }

    // MARK: - Options

    @Test("creation options: the policy's RP ID and algorithms in order, canonical JSON")
    func creationOptions() throws {
        var policy = self.policy
        policy.allowedAlgorithms = [.edDSA, .es256, .rs256, .rs1]
        var inputs = RegistrationOptionsInputs(rpName: "Example", userId: [1, 2, 3], userName: "alice@example.org",
                                               userDisplayName: "Alice")
        inputs.challenge = Array(repeating: 0xAB, count: 16)
        inputs.excludeCredentials = [PublicKeyCredentialDescriptorJSON(id: [0xFF, 0xEE], transports: ["usb", "nfc"])]
        inputs.residentKey = .required
        inputs.authenticatorAttachment = .crossPlatform
        inputs.hints = [.securityKey]
        inputs.attestation = .direct
        inputs.extensions.credProps = true
        inputs.extensions.appidExclude = "https://example.org/appid.json"
        inputs.timeout = 60000
        let options = try policy.creationOptions(inputs)
        let expected = #"{"attestation":"direct","authenticatorSelection":{"authenticatorAttachment":"cross-platform","requireResidentKey":true,"residentKey":"required","userVerification":"preferred"},"challenge":"q6urq6urq6urq6urq6urqw","excludeCredentials":[{"id":"_-4","transports":["usb","nfc"],"type":"public-key"}],"extensions":{"appidExclude":"https://example.org/appid.json","credProps":true},"hints":["security-key"],"pubKeyCredParams":[{"alg":-8,"type":"public-key"},{"alg":-7,"type":"public-key"},{"alg":-257,"type":"public-key"}],"rp":{"id":"example.org","name":"Example"},"timeout":60000,"user":{"displayName":"Alice","id":"AQID","name":"alice@example.org"}}"#
        #expect(options.text == expected)
        // The text is strict JSON the project's parser reads back to the same value.
        #expect(try JSONParser().parse(Array(options.text.utf8)) == options.json)

        policy.allowSHA1 = true
        #expect(try policy.creationOptions(inputs).algorithms == [-8, -7, -257, -65535])
    }

    @Test("options drive a ceremony: the drawn challenge is returned and verifies")
    func optionsRoundTrip() throws {
        let inputs = RegistrationOptionsInputs(rpName: "Example", userId: [7], userName: "bob", userDisplayName: "")
        let options = try policy.creationOptions(inputs)
        #expect(options.challenge.count == 32)
        #expect(try policy.creationOptions(inputs).challenge != options.challenge)
        let authenticator = SoftwareAuthenticator()
        let registration = try authenticator.register(rpId: options.rpId!, origin: origin, challenge: options.challenge, userHandle: options.userId)
        let verified = try RegistrationVerifier(policy: policy).verify(
            responseJSON: JSONWriter.bytes(registrationDocument(registration)), expectedChallenge: options.challenge)

        var request = AuthenticationOptionsInputs()
        request.allowCredentials = [PublicKeyCredentialDescriptorJSON(id: verified.registration.credentialId,
                                                                      transports: verified.clientOutputs.transports ?? [])]
        request.extensions.appid = "https://example.org/appid.json"
        request.hints = [.clientDevice, .hybrid]
        let requestOptions = try policy.requestOptions(request)
        #expect(requestOptions.rpId == rpId)
        #expect(requestOptions.text.contains(#""allowCredentials":[{"id":"\#(Base64URL.encode(verified.registration.credentialId))","transports":["internal","hybrid"],"type":"public-key"}]"#))
        #expect(requestOptions.text.contains(#""extensions":{"appid":"https://example.org/appid.json"}"#))
        #expect(requestOptions.text.contains(#""hints":["client-device","hybrid"]"#))
        #expect(requestOptions.text.contains(#""userVerification":"preferred""#))
        let assertion = try authenticator.authenticate(rpId: rpId, origin: origin, challenge: requestOptions.challenge,
                                                       credentialId: verified.registration.credentialId)
        let credential = StoredCredential(credentialId: verified.registration.credentialId,
                                          publicKey: verified.registration.credentialPublicKey, signCount: 0)
        _ = try AssertionVerifier(policy: policy).verify(responseJSON: JSONWriter.bytes(assertionDocument(assertion)),
                                                         expectedChallenge: requestOptions.challenge, credential: credential)
    }

    @Test("options inputs that cannot work are refused")
    func optionsRefusals() throws {
        var strict = policy
        strict.requireUserVerification = true
        var request = AuthenticationOptionsInputs()
        #expect(try strict.requestOptions(request).userVerification == .required)
        request.userVerification = .discouraged
        expectFailure(.invalidArgument, "requires user verification") { () throws(WebAuthnError) in _ = try strict.requestOptions(request) }
        request = AuthenticationOptionsInputs()
        request.challenge = Array(repeating: 1, count: 15)
        expectFailure(.invalidArgument, "at least 16") { () throws(WebAuthnError) in _ = try policy.requestOptions(request) }
        request.challenge = nil
        request.timeout = 0
        expectFailure(.invalidArgument, "timeout") { () throws(WebAuthnError) in _ = try policy.requestOptions(request) }
        request.timeout = nil
        request.allowCredentials = [PublicKeyCredentialDescriptorJSON(id: [])]
        expectFailure(.invalidArgument, "allowCredentials[0].id") { () throws(WebAuthnError) in _ = try policy.requestOptions(request) }
        request.allowCredentials = []
        request.extensions.other = .object([("appid", .string("x"))])
        request.extensions.appid = "https://example.org"
        expectFailure(.invalidArgument, "given twice") { () throws(WebAuthnError) in _ = try policy.requestOptions(request) }

        var inputs = RegistrationOptionsInputs(rpName: "Example", userId: [], userName: "bob", userDisplayName: "Bob")
        expectFailure(.invalidArgument, "userId") { () throws(WebAuthnError) in _ = try policy.creationOptions(inputs) }
        inputs.userId = Array(repeating: 1, count: 65)
        expectFailure(.invalidArgument, "userId") { () throws(WebAuthnError) in _ = try policy.creationOptions(inputs) }
        inputs.userId = [1]
        inputs.userName = ""
        expectFailure(.invalidArgument, "userName") { () throws(WebAuthnError) in _ = try policy.creationOptions(inputs) }
        inputs.userName = "bob"
        var onlySHA1 = policy
        onlySHA1.allowedAlgorithms = [.rs1]
        expectFailure(.invalidArgument, "no algorithm") { () throws(WebAuthnError) in _ = try onlySHA1.creationOptions(inputs) }
    }

    // MARK: - Third-party vectors

    /// Every registration and authentication vector that carries the client's `transports` or
    /// `clientExtensionResults`, assembled into its toJSON() form: the JSON path must reach the
    /// verdict the byte-level path reaches, and report the vector's transports.
    @Test("third-party vectors assembled as toJSON() documents verify as their parts do")
    func vectors() throws {
        let directory = "/work/shared/vectors/webauthn"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        var checked = 0, verified = 0
        for file in files {
            let data = try Array(Data(contentsOf: URL(fileURLWithPath: directory + "/" + file)))
            let vector = try JSONParser().parse(data)
            guard (vector["transports"] ?? .null) != .null || vector["clientExtensionResults"] != nil,
                  let kind = vector["kind"]?.stringValue, kind == "registration" || kind == "authentication",
                  let rpId = vector["rpId"]?.stringValue, let origin = vector["origin"]?.stringValue,
                  let challengeText = vector["challenge_b64url"]?.stringValue,
                  let idText = vector["credential_id_b64url"]?.stringValue else { continue }
            var policy = RelyingPartyPolicy(rpId: rpId, allowedOrigins: [origin])
            for field in ["fixed_time_for_cert_validation", "suggested_verification_time"] {
                if policy.verificationTime == nil, let text = vector[field]?.stringValue { policy.verificationTime = CivilDate.unixSeconds(iso8601: text) }
            }
            policy.allowSHA1 = true
            policy.allowedAlgorithms.append(.rs1)
            let challenge = try Base64URL.decode(challengeText)
            func field(_ name: String) -> JSONValue { vector[name + "_b64url"] ?? .null }
            var response: [(String, JSONValue)] = [("clientDataJSON", field("clientDataJSON"))]
            let extensions = vector["clientExtensionResults"] ?? .object([])
            checked += 1
            if kind == "registration" {
                response.append(("attestationObject", field("attestationObject")))
                // A source's `None` (stored as null) is an absent member in the toJSON() form.
                if let transports = vector["transports"], transports != .null { response.append(("transports", transports)) }
                let document = JSONValue.object([("id", .string(idText)), ("rawId", .string(idText)), ("type", .string("public-key")),
                                                 ("response", .object(response)), ("clientExtensionResults", extensions)])
                let verifier = RegistrationVerifier(policy: policy)
                let clientDataJSON = try Base64URL.decode(field("clientDataJSON").stringValue ?? "")
                let attestationObject = try Base64URL.decode(field("attestationObject").stringValue ?? "")
                let rawId = try Base64URL.decode(idText)
                let parts = Result { () throws(WebAuthnError) in
                    try verifier.verify(clientDataJSON: clientDataJSON, attestationObject: attestationObject,
                                        expectedChallenge: challenge, rawId: rawId)
                }
                let json = Result { () throws(WebAuthnError) in try verifier.verify(responseJSON: JSONWriter.bytes(document), expectedChallenge: challenge) }
                switch (parts, json) {
                case (.success(let a), .success(let b)):
                    #expect(a.credentialId == b.registration.credentialId, "\(file)")
                    #expect(b.clientOutputs.transports == vector["transports"]?.arrayValue?.compactMap(\.stringValue), "\(file)")
                    verified += 1
                case (.failure(let a), .failure(let b)):
                    #expect(a.code == b.code, "\(file): \(a) vs \(b)")
                default:
                    Issue.record("\(file): the byte path gave \(parts), the JSON path \(json)")
                }
            } else {
                guard let keyText = vector["credentialPublicKey_b64url"]?.stringValue,
                      let key = try? CredentialPublicKey(coseBytes: Base64URL.decode(keyText)) else { continue }
                response.append(("authenticatorData", field("authenticatorData")))
                response.append(("signature", field("signature")))
                if field("userHandle") != .null { response.append(("userHandle", field("userHandle"))) }
                let document = JSONValue.object([("id", .string(idText)), ("rawId", .string(idText)), ("type", .string("public-key")),
                                                 ("response", .object(response)), ("clientExtensionResults", extensions)])
                let credential = StoredCredential(credentialId: try Base64URL.decode(idText), publicKey: key,
                                                  signCount: UInt32(vector["currentSignCount"]?.int64Value ?? 0))
                let verifier = AssertionVerifier(policy: policy)
                let clientDataJSON = try Base64URL.decode(field("clientDataJSON").stringValue ?? "")
                let authenticatorData = try Base64URL.decode(field("authenticatorData").stringValue ?? "")
                let signature = try Base64URL.decode(field("signature").stringValue ?? "")
                let parts = Result { () throws(WebAuthnError) in
                    try verifier.verify(clientDataJSON: clientDataJSON, authenticatorData: authenticatorData, signature: signature,
                                        expectedChallenge: challenge, credential: credential)
                }
                let json = Result { () throws(WebAuthnError) in
                    try verifier.verify(responseJSON: JSONWriter.bytes(document), expectedChallenge: challenge, credential: credential)
                }
                switch (parts, json) {
                case (.success(let a), .success(let b)):
                    #expect(a.signCount == b.assertion.signCount, "\(file)")
                    verified += 1
                case (.failure(let a), .failure(let b)):
                    #expect(a.code == b.code, "\(file): \(a) vs \(b)")
                default:
                    Issue.record("\(file): the byte path gave \(parts), the JSON path \(json)")
                }
            }
        }
        #expect(checked >= 10, "only \(checked) vectors carry transports or clientExtensionResults")
        #expect(verified >= 5, "only \(verified) of \(checked) vectors verified")
    }
}

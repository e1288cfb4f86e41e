import DfnsEncoding

// Reading a challenge from the JSONValue the strict parser already produced. The same rules as the
// type's Decodable conformance (required `challenge` and `challengeIdentifier`; every other member
// optional, null meaning absent; unknown members ignored), checked by a test that compares both on
// every shape. Written by hand because this is the hot path of user-action signing through the C
// ABI: decoding the parsed text a second time with Foundation's JSONDecoder cost more than the
// P-256 signature itself (measured with callgrind: ~163k instructions of ~529k per call).
extension UserActionChallenge {
    /// The challenge in `json`, an object as `POST /auth/action/init` answers it.
    public init(json: JSONValue) throws(WireShapeError) {
        let reader = try WireReader(json, "")
        self.init(challenge: try reader.string("challenge"),
                  challengeIdentifier: try reader.string("challengeIdentifier"),
                  userVerification: try reader.optionalString("userVerification"),
                  attestation: try reader.optionalString("attestation"),
                  supportedCredentialKinds: try reader.optionalArray("supportedCredentialKinds") { (item) throws(WireShapeError) in
                      SupportedCredentialKind(kind: try item.string("kind"), factor: try item.string("factor"),
                                              requiresSecondFactor: try item.optionalBool("requiresSecondFactor"))
                  },
                  allowCredentials: try reader.optionalObject("allowCredentials") { (allow) throws(WireShapeError) in
                      AllowCredentials(
                          key: try allow.optionalArray("key", CredentialDescriptor.init(reader:)),
                          webauthn: try allow.optionalArray("webauthn", CredentialDescriptor.init(reader:)),
                          passwordProtectedKey: try allow.optionalArray("passwordProtectedKey") { (item) throws(WireShapeError) in
                              PasswordProtectedKeyDescriptor(id: try item.string("id"),
                                                             encryptedPrivateKey: try item.string("encryptedPrivateKey"),
                                                             type: try item.string("type"))
                          })
                  },
                  rp: try reader.optionalObject("rp") { (rp) throws(WireShapeError) in
                      RelyingParty(id: try rp.string("id"), name: try rp.optionalString("name"))
                  },
                  externalAuthenticationUrl: try reader.optionalString("externalAuthenticationUrl"))
    }
}

extension CredentialDescriptor {
    fileprivate init(reader: WireReader) throws(WireShapeError) {
        self.init(id: try reader.string("id"), type: try reader.string("type"))
    }
}

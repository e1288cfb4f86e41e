import DfnsClient
import DfnsCrypto
import DfnsCurlTransport
import DfnsEncoding
import DfnsLocking
import DfnsProtocol
import Testing

/// Whole flows of reference/dfns-protocol.md against the fake API on loopback, with the real
/// signers: the multi-device credential flow (§5) and delegated recovery with a recovery key (§6).
@Suite("Dfns flows on loopback")
struct FlowTests {
    private func client(_ fake: FakeDfnsServer, signed: Bool) throws -> DfnsAPIClient {
        DfnsAPIClient(baseURL: try BaseURL(fake.baseURL), transport: CurlTransport(), authToken: "token",
                      signer: try signed ? fake.keySigner() : nil)
    }

    @Test("multi-device: the new device attests over the credential challenge, the existing one signs the user action")
    func multiDeviceCredential() async throws {
        let created = Locked<JSONValue?>(nil)
        let fake = try FakeDfnsServer { request, canonical in
            switch canonical {
            case "/auth/credentials/init":
                return .json(#"{"kind":"Key","challenge":"Y2gtbmV3LWRldmljZQ","challengeIdentifier":"cred-chid-1","user":{"id":"us-1","name":"a@b.c"},"pubKeyCredParams":[{"type":"public-key","alg":-7}],"attestation":"direct"}"#)
            case "/auth/credentials":
                guard let body = try? JSONParser().parse(request.body) else { return .text(status: 400, "bad") }
                created.withLock { $0 = body }
                return .json(#"{"credentialUuid":"cr-2","kind":"Key","isActive":true}"#)
            default:
                return .text(status: 404, "no")
            }
        }
        // The server holds the user's (delegated-login) token and no signer.
        let server = try client(fake, signed: false)
        let challenge = try await server.credentials.initialize(kind: "Key")
        // Device B creates its key and attests it over that challenge.
        let deviceB = try KeyCredential.generate(.ed25519)
        let attestation = try KeyAttestation(credential: deviceB, challenge: try #require(challenge["challenge"]?.stringValue),
                                             credentialName: "phone")
        guard case .object(var members) = attestation.jsonValue else { Issue.record("not an object"); return }
        members.append(("challengeIdentifier", try #require(challenge["challengeIdentifier"])))
        // The user action for creating it goes to device A, which signs it.
        let pending = try await server.credentials.createDelegated(.object(members))
        let deviceA = try fake.keySigner()
        let response = try await server.delegatedComplete(pending, firstFactor: try await deviceA.sign(pending.challenge))
        #expect(try response.json()["credentialUuid"]?.stringValue == "cr-2")
        #expect(fake.failures.isEmpty)

        // What the API received is device B's attestation, and it verifies.
        let body = try #require(created.withLock { $0 })
        #expect(body["credentialKind"]?.stringValue == "Key")
        #expect(body["challengeIdentifier"]?.stringValue == "cred-chid-1")
        let info = try #require(body["credentialInfo"])
        let clientData = try Base64URL.decode(try #require(info["clientData"]?.stringValue))
        let parsed = try KeyClientData.parse(clientData, expecting: .create)
        #expect(parsed.challenge == "Y2gtbmV3LWRldmljZQ")
        let attestationData = try JSONParser().parse(try Base64URL.decode(try #require(info["attestationData"]?.stringValue)))
        let publicKey = try PublicKey(pem: try #require(attestationData["publicKey"]?.stringValue))
        let fingerprint = KeyClientData.credentialInfoFingerprint(clientDataHash: SHA256.hash(clientData),
                                                                  publicKeyPEM: try #require(attestationData["publicKey"]?.stringValue))
        let signature = try Hex.decode(try #require(attestationData["signature"]?.stringValue))
        try publicKey.verify(signature: signature, message: fingerprint, algorithm: .edDSA)
    }

    @Test("delegated recovery: the recovery key signs the new credentials, which replace the old ones")
    func delegatedRecovery() async throws {
        let username = "alice@example.com"
        // Registration made a recovery credential; Dfns keeps its envelope.
        let recovery = try RecoveryKey.createCredential(challenge: "cmVnaXN0cmF0aW9u", username: username)
        let envelope = recovery.envelope.encryptedPrivateKey
        let recoveryCredentialId = recovery.attestation.credentialId
        let recoveryPublicKeyPEM = recovery.attestation.publicKeyPEM
        let received = Locked<JSONValue?>(nil)
        let fake = try FakeDfnsServer { request, canonical in
            switch canonical {
            case "/auth/recover/user/delegated":
                return .json(#"{"temporaryAuthenticationToken":"tmp-rec","challenge":"cmVjb3Zlcnk","user":{"id":"us-1","name":"alice@example.com"},"allowedRecoveryCredentials":[{"id":""#
                             + recoveryCredentialId + #"","encryptedRecoveryKey":""# + envelope + #""}]}"#)
            case "/auth/recover/user":
                guard request.headers["Authorization"] == "Bearer tmp-rec", let body = try? JSONParser().parse(request.body) else {
                    return .text(status: 401, "bad token")
                }
                received.withLock { $0 = body }
                return .json(#"{"credential":{"uuid":"cr-9","kind":"Key"},"user":{"id":"us-1"}}"#)
            default:
                return .text(status: 404, "no")
            }
        }
        let server = try client(fake, signed: true)
        let challenge = try await server.recovery.delegated(username: username, credentialId: recoveryCredentialId)
        let allowed = try #require(challenge["allowedRecoveryCredentials"]?.arrayValue?.first)

        // The user's new device: a new Key credential attested over the server challenge...
        let newKey = try KeyCredential.generate(.p256)
        let newAttestation = try KeyAttestation(credential: newKey, challenge: try #require(challenge["challenge"]?.stringValue))
        let newCredentials: JSONValue = .object([("firstFactorCredential", newAttestation.jsonValue)])
        // ...and the recovery key, decrypted with the code, signs base64url(the new credentials).
        let assertion = try RecoveryKey.sign(challenge: RecoveryAPI.recoveryChallenge(for: newCredentials),
                                             encryptedRecoveryKey: try #require(allowed["encryptedRecoveryKey"]?.stringValue),
                                             recoveryCode: recovery.recoveryCode, username: "  Alice@Example.com ",
                                             credentialId: try #require(allowed["id"]?.stringValue))
        let answer = try await server.recovery.complete(temporaryAuthenticationToken: try #require(challenge["temporaryAuthenticationToken"]?.stringValue),
                                                        recovery: assertion.jsonValue(kind: RecoveryKey.credentialKind),
                                                        newCredentials: newCredentials)
        #expect(answer["credential"]?["uuid"]?.stringValue == "cr-9")

        // The server side's check: the recovery signature covers exactly the new credentials sent.
        let body = try #require(received.withLock { $0 })
        #expect(body["recovery"]?["kind"]?.stringValue == "RecoveryKey")
        let sentCredentials = try #require(body["newCredentials"])
        let clientData = try Base64URL.decode(try #require(body["recovery"]?["credentialAssertion"]?["clientData"]?.stringValue))
        let parsed = try KeyClientData.parse(clientData, expecting: .get)
        #expect(parsed.challenge == Base64URL.encode(JSONWriter.bytes(sentCredentials)))
        let signature = try Base64URL.decode(try #require(body["recovery"]?["credentialAssertion"]?["signature"]?.stringValue))
        try PublicKey(pem: recoveryPublicKeyPEM).verify(signature: signature, message: clientData, algorithm: .es256)

        // A wrong recovery code is refused locally, with no secret in the message.
        let wrong = try RecoveryCode.generate()
        do {
            _ = try RecoveryKey.sign(challenge: "x", encryptedRecoveryKey: envelope, recoveryCode: wrong, username: username,
                                     credentialId: recoveryCredentialId)
            Issue.record("a wrong recovery code decrypted the envelope")
        } catch {
            #expect(!String(describing: error).contains("D1-"))
        }
        #expect(fake.failures.isEmpty)
    }
}

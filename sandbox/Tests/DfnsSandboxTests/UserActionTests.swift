import DfnsClient
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import GRDB
import DfnsCrypto
import Testing

/// The service account's key from the bootstrap document, to sign hand-made clientData layouts.
struct SandboxKey {
    let credentialId: String
    let privateKey: PrivateKey

    init(_ sandbox: TestSandbox) throws {
        credentialId = sandbox.running.bootstrap["credId"]
        privateKey = try PrivateKey(pem: sandbox.running.bootstrap["privateKeyPem"])
    }

    func sign(_ message: [UInt8]) throws -> [UInt8] {
        try privateKey.sign(message, algorithm: .es256)
    }
}

/// `/auth/action/init` and `/auth/action` over loopback with the library's client and signers.
@Suite struct UserActionTests {
    @Test func serviceAccountObtainsASingleUseTokenBoundToTheRequest() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let body = Array(#"{"network":"EthereumSepolia","name":"Café ☕"}"#.utf8)
            let challenge = try await client.userActionChallenge(method: .post, canonicalPath: "/wallets", body: body)
            #expect(challenge.allowedKeyCredentialIds == [try sandbox.serviceAccountSigner().credential.credentialId])
            let assertion = try await sandbox.serviceAccountSigner().sign(challenge)
            let token = try await client.userActionToken(challengeIdentifier: challenge.challengeIdentifier, firstFactor: assertion)
            let record = try await sandbox.read { db in try UserActionTokenRecord.fetchOne(db, key: token) }
            #expect(record?.httpMethod == "POST")
            #expect(record?.httpPath == "/wallets")
            #expect(record?.payload == String(decoding: body, as: UTF8.self))
            #expect(record?.usedAt == nil)

            // The challenge is single use.
            await #expect(throws: DfnsError.self) {
                _ = try await client.userActionToken(challengeIdentifier: challenge.challengeIdentifier, firstFactor: assertion)
            }
        }
    }

    @Test func everyKeyClientDataLayoutOfTheOfficialSDKsIsAccepted() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let credential = try SandboxKey(sandbox)
            let layouts: [(String) -> String] = [
                { #"{"type":"key.get","challenge":"\#($0)"}"# },                                    // TS
                { #"{"challenge":"\#($0)","crossOrigin":false,"type":"key.get"}"# },               // Go v2
                { #"{"type":"key.get","challenge":"\#($0)","crossOrigin":false}"# },               // Java
                { #"{"type":"key.get","challenge":"\#($0)","origin":"https://app.dfns.io","crossOrigin":false}"# }, // Python
            ]
            for layout in layouts {
                let challenge = try await client.userActionChallenge(method: .post, canonicalPath: "/wallets", body: Array("{}".utf8))
                let clientData = Array(layout(challenge.challenge).utf8)
                let signature = try credential.sign(clientData)
                let factor: JSONValue = .object([
                    ("kind", .string("Key")),
                    ("credentialAssertion", .object([
                        ("credId", .string(credential.credentialId)),
                        ("clientData", .string(Base64URL.encode(clientData))),
                        ("signature", .string(Base64URL.encode(signature))),
                    ])),
                ])
                _ = try await client.userActionToken(challengeIdentifier: challenge.challengeIdentifier, firstFactor: factor)
            }
        }
    }

    @Test func aKeyAssertionNamingAForeignOriginIsRefusedNamingTheOrigin() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let credential = try SandboxKey(sandbox)
            let challenge = try await client.userActionChallenge(method: .post, canonicalPath: "/wallets", body: nil)
            let clientData = Array(#"{"type":"key.get","challenge":"\#(challenge.challenge)","origin":"https://evil.example"}"#.utf8)
            let factor: JSONValue = .object([
                ("kind", .string("Key")),
                ("credentialAssertion", .object([
                    ("credId", .string(credential.credentialId)),
                    ("clientData", .string(Base64URL.encode(clientData))),
                    ("signature", .string(Base64URL.encode(try credential.sign(clientData)))),
                ])),
            ])
            do {
                _ = try await client.userActionToken(challengeIdentifier: challenge.challengeIdentifier, firstFactor: factor)
                Issue.record("a foreign origin was accepted")
            } catch {
                #expect("\(error)".contains("origin differs"))
            }
            #expect(try await sandbox.count("userActionToken") == 0)
        }
    }
}

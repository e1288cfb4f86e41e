import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import GRDB
import Testing

// MARK: - Helpers shared by the key, wallet, delegation, policy and transfer suites

/// The `APIError` `operation` failed with, or nil when it succeeded or failed otherwise.
func apiError<T>(_ operation: () async throws -> T) async -> APIError? {
    do {
        _ = try await operation()
        return nil
    } catch let DfnsError.api(error) {
        return error
    } catch {
        Issue.record("expected an API error, got \(error)")
        return nil
    }
}

/// A 32-byte digest for tests.
func testDigest(_ text: String) -> [UInt8] {
    SHA256.hash(Array(text.utf8))
}

/// Checks a secp256k1 `Hash` signature independently of the client: the public key recovered
/// from (digest, r, s, recid) must be the key's.
func expectRecovers(_ components: SignatureComponents?, digest: [UInt8], publicKeyHex: String) throws {
    let components = try #require(components)
    let r = try Hex.decode(components.r, allowPrefix: true)
    let s = try Hex.decode(components.s, allowPrefix: true)
    #expect(r.count == 32 && s.count == 32)
    let recovered = try Secp256k1Recovery.recoverPublicKey(compactSignature: r + s, recoveryID: try #require(components.recid),
                                                           digest: digest)
    let expected = try Secp256k1Recovery.uncompressedPublicKey(sec1: try Hex.decode(publicKeyHex, allowPrefix: true))
    #expect(recovered == expected)
}

/// Checks an Ed25519 `Message` signature independently of the client.
func expectEd25519Verifies(_ components: SignatureComponents?, message: [UInt8], publicKeyHex: String) throws {
    let components = try #require(components)
    let signature = try Hex.decode(components.r, allowPrefix: true) + Hex.decode(components.s, allowPrefix: true)
    let key = try PublicKey.okp(curve: .ed25519, x: try Hex.decode(publicKeyHex, allowPrefix: true))
    try key.verify(signature: signature, message: message, algorithm: .edDSA)
}

extension TestSandbox {
    /// Rows of `table` matching `condition` (SQL).
    func count(_ table: String, where condition: String) async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(condition)") ?? 0 }
    }

    /// Subscribes a webhook to every event, directly in the database (to read the queued events).
    func subscribeAllEvents() async throws {
        let orgId = self.orgId
        try await services.database.writer.write { db in
            try WebhookRecord(id: Identifiers.make("wh"), orgId: orgId, url: "http://127.0.0.1:9/unreachable", events: #"["*"]"#,
                              status: "Enabled", description: "test", secret: "whs-test", dateCreated: "2026-01-01T00:00:00.000Z").insert(db)
        }
    }

    /// The kinds of the webhook events queued so far, in order.
    func eventKinds() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT kind FROM webhookEvent ORDER BY rowid") }
    }
}

extension Outcome {
    /// The completed entity, or a recorded issue.
    var completedEntity: Entity? {
        if case .completed(let entity) = self { return entity }
        Issue.record("expected a completed outcome, got \(self)")
        return nil
    }
}

// MARK: - Keys

@Suite struct KeyTests {
    @Test func createsGetsRenamesAndArchivesKeys() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let ecdsa = try await client.keys.create(scheme: "ECDSA", curve: "secp256k1", name: "treasury")
            #expect(ecdsa.custodial == true)
            #expect(ecdsa.status == "Active")
            #expect(try Hex.decode(ecdsa.publicKey).count == 33)
            let eddsa = try await client.keys.create(scheme: "EdDSA", curve: "ed25519")
            #expect(try Hex.decode(eddsa.publicKey).count == 32)
            #expect(try await client.keys.get(ecdsa.id) == ecdsa)

            let renamed = try await client.send(.put, "/keys/\(ecdsa.id)", json: .object([("name", .string("cold"))])).decode(Key.self)
            #expect(renamed.name == "cold")

            let archived = try await client.send(.delete, "/keys/\(eddsa.id)").decode(Key.self)
            #expect(archived.status == "Archived")
            let error = await apiError { try await client.keys.sign(eddsa.id, .message([1, 2, 3])) }
            #expect(error?.status == 400)
            #expect(error?.message?.contains("Archived") == true)

            var ids: [String] = []
            for try await key in client.keys.list() { ids.append(key.id) }
            #expect(ids == [ecdsa.id, eddsa.id])
        }
    }

    @Test func unsupportedSchemesAreRefusedNamingTheSupportedOnes() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            for (scheme, curve) in [("Schnorr", "secp256k1"), ("ECDSA", "stark"), ("EdDSA", "secp256k1")] {
                let error = await apiError { try await client.keys.create(scheme: scheme, curve: curve) }
                #expect(error?.status == 400)
                #expect(error?.message?.contains("ECDSA/secp256k1 and EdDSA/ed25519") == true)
            }
            let unknown = await apiError {
                try await client.send(.post, "/keys", json: .object([("scheme", .string("ECDSA")), ("curve", .string("secp256k1")),
                                                                      ("colour", .string("blue"))]))
            }
            #expect(unknown?.status == 400)
            #expect(unknown?.message?.contains("colour") == true)
            #expect(try await sandbox.count("signingKey") == 0)
        }
    }

    @Test func hashSignatureOnACustodialKeyIsVerifiedByTheClientAndIndependently() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            #expect(client.verifyReturnedSignatures)
            let key = try await client.keys.create(scheme: "ECDSA", curve: "secp256k1")
            let digest = testDigest("custodial hash")
            let outcome = try await client.keys.sign(key.id, .hash(digest))
            let signature = try #require(outcome.completedEntity)
            #expect(signature.status == "Signed")
            #expect(signature.keyId == key.id)
            #expect(signature.requester?.userId == sandbox.serviceAccountId)
            #expect(signature.requester?.tokenId != nil)
            #expect(signature.dateSigned != nil)
            #expect(signature.externalId?.hasPrefix("dfns-bridge-") == true)
            try expectRecovers(signature.signature, digest: digest, publicKeyHex: key.publicKey)

            #expect(try await client.keys.signature(key.id, signature.id) == signature)
            let page = try await client.send(.get, "/keys/\(key.id)/signatures").json()
            #expect(page["items"]?.arrayValue?.count == 1)
        }
    }

    @Test func messageSignatureOnAnEd25519KeyIsVerified() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let key = try await client.keys.create(scheme: "EdDSA", curve: "ed25519")
            let message = Array("hello from the sandbox".utf8)
            let signature = try #require(try await client.keys.sign(key.id, .message(message)).completedEntity)
            #expect(signature.status == "Signed")
            try expectEd25519Verifies(signature.signature, message: message, publicKeyHex: key.publicKey)
        }
    }

    @Test func unsupportedSignatureKindsAreRefusedNamingTheSupportedOnes() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let ecdsa = try await client.keys.create(scheme: "ECDSA", curve: "secp256k1")
            let eddsa = try await client.keys.create(scheme: "EdDSA", curve: "ed25519")
            let requests: [(String, SignatureRequest)] = [
                (ecdsa.id, .transaction("0x02f86c")),
                (ecdsa.id, .eip712(types: .object([]), domain: .object([]), message: .object([]))),
                (ecdsa.id, try .custom(.object([("kind", .string("Psbt")), ("psbt", .string("0x70736274"))]))),
                (ecdsa.id, try .custom(.object([("kind", .string("Nonsense"))]))),
                (ecdsa.id, .message([1, 2, 3])),           // Message on secp256k1
                (eddsa.id, .hash(testDigest("x"))),         // Hash on ed25519
            ]
            for (keyId, request) in requests {
                let error = await apiError { try await client.keys.sign(keyId, request) }
                #expect(error?.status == 400)
                #expect(error?.message?.contains("Hash on ECDSA secp256k1 keys, Message on EdDSA ed25519 keys") == true,
                        "\(error?.message ?? "")")
            }
            let short = await apiError { try await client.keys.sign(ecdsa.id, try .custom(.object([("kind", .string("Hash")), ("hash", .string("0x1234"))]))) }
            #expect(short?.status == 400)
            #expect(try await sandbox.count("signature") == 0)
        }
    }

    @Test func signatureExternalIdIsIdempotent() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let key = try await client.keys.create(scheme: "ECDSA", curve: "secp256k1")
            let body: JSONValue = .object([("kind", .string("Hash")), ("hash", .string("0x" + Hex.encode(testDigest("a")))),
                                           ("externalId", .string("sig-1"))])
            let first = try await client.send(.post, "/keys/\(key.id)/signatures", json: body)
            let again = try await client.send(.post, "/keys/\(key.id)/signatures", json: body)
            #expect(first.status == 200 && again.status == 200)
            let firstSignature = try first.decode(KeySignature.self)
            #expect(try again.decode(KeySignature.self) == firstSignature)
            #expect(try await sandbox.count("signature") == 1)

            let other: JSONValue = .object([("kind", .string("Hash")), ("hash", .string("0x" + Hex.encode(testDigest("b")))),
                                            ("externalId", .string("sig-1"))])
            let conflict = await apiError { try await client.send(.post, "/keys/\(key.id)/signatures", json: other) }
            #expect(conflict?.status == 409)
            #expect(conflict?.message == "Conflicting signature with same externalId")
            #expect(conflict?.details?["duplicate"]?["id"]?.stringValue == firstSignature.id)
            #expect(try await sandbox.count("signature") == 1)
        }
    }
}

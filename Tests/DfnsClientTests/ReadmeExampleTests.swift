import DfnsClient
import DfnsCrypto
import DfnsCurlTransport
import DfnsEncoding
import DfnsProtocol
import Testing

// The README's Swift example, compiled and run here against the fake API, so that the README never
// shows code that does not build or work.

/// A service account creates a wallet and has its key sign a hash (README, "The Dfns client from
/// Swift").
func readmeExample(baseURL: String, serviceAccountToken: String, privateKeyPEM: String, credentialId: String) async throws -> String {
    let signer = KeySigner(credential: try KeyCredential(privateKeyPEM: privateKeyPEM, credentialId: credentialId))
    let client = DfnsAPIClient(baseURL: try BaseURL(baseURL), transport: CurlTransport(),
                               authToken: serviceAccountToken, signer: signer)

    let wallet = try await client.wallets.create(network: "EthereumSepolia", name: "treasury")
    let digest = SHA256.hash(Array("pay 1 ETH to 0xabc".utf8))
    switch try await client.keys.sign(wallet.signingKey.id ?? "", .hash(digest)) {
    case .completed(let signature):
        return "signed: r=\(signature.signature?.r ?? "") (checked against the key's public key)"
    case .pending(_, let approvalId):
        return "held by a policy, approval \(approvalId ?? "?")"
    case .failed(_, let status, let reason):
        return "\(status): \(reason ?? "no reason given")"
    }
}

/// The README's webhook check.
func readmeWebhook(body: [UInt8], signatureHeader: String?, secret: String, now: Int64) -> String {
    let verifier = WebhookVerifier(secret: SecretBytes(Array(secret.utf8)))
    do {
        let event = try verifier.verify(body: body, signatureHeader: signatureHeader, now: now)
        return "event \(event.id) (\(event.kind))"
    } catch {
        return "refused: \(error)"
    }
}

@Suite("README example")
struct ReadmeExampleTests {
    @Test("the README's client example runs against the fake API")
    func clientExample() async throws {
        let secp = try PrivateKey.generate(.ec(.secp256k1))
        guard case .ec(_, let x, let y)? = secp.publicKey.components else { Issue.record("no components"); return }
        let publicKeyHex = "04" + Hex.encode(x + y)
        let fake = try FakeDfnsServer { request, canonical in
            switch (request.method, canonical) {
            case ("POST", "/wallets"):
                return .json(#"{"id":"wa-1","network":"EthereumSepolia","status":"Active","signingKey":{"id":"key-1","scheme":"ECDSA","curve":"secp256k1","publicKey":""# + publicKeyHex + #""}}"#)
            case ("GET", "/keys/key-1"):
                return .json(#"{"id":"key-1","scheme":"ECDSA","curve":"secp256k1","publicKey":""# + publicKeyHex + #""}"#)
            case ("POST", "/keys/key-1/signatures"):
                guard let body = try? JSONParser().parse(request.body), let hash = body["hash"]?.stringValue,
                      let digest = try? Hex.decode(hash, allowPrefix: true),
                      let (compact, recid) = try? secp.signRecoverableSecp256k1(digest: digest) else { return .text(status: 400, "bad") }
                return .json(#"{"id":"sig-1","keyId":"key-1","status":"Signed","signature":{"r":"0x"# + Hex.encode(compact.prefix(32))
                             + #"","s":"0x"# + Hex.encode(compact.suffix(32)) + #"","recid":"# + String(recid) + "}}")
            default:
                return .text(status: 404, "no")
            }
        }
        let result = try await readmeExample(baseURL: fake.baseURL, serviceAccountToken: "sa-token",
                                             privateKeyPEM: try fake.key.pkcs8PEM(), credentialId: fake.credentialId)
        #expect(result.hasPrefix("signed: r=0x"))
        #expect(fake.failures.isEmpty)
    }

    @Test("the README's webhook check accepts a signed event and refuses a tampered one")
    func webhookExample() {
        let body = Array(#"{"id":"whe-1","kind":"wallet.created","date":"2025-01-01T00:00:00.000Z","data":{},"timestampSent":1735689600}"#.utf8)
        let header = WebhookSigner.signatureHeader(body: body, secret: SecretBytes(Array("whs-secret".utf8)))
        #expect(readmeWebhook(body: body, signatureHeader: header, secret: "whs-secret", now: 1_735_689_660) == "event whe-1 (wallet.created)")
        var tampered = body
        tampered[10] ^= 1
        #expect(readmeWebhook(body: tampered, signatureHeader: header, secret: "whs-secret", now: 1_735_689_660).hasPrefix("refused"))
        #expect(readmeWebhook(body: body, signatureHeader: header, secret: "whs-secret", now: 1_735_699_600).hasPrefix("refused"))
    }
}

// Dfns Delegated Signing from Swift against a running dfns-sandbox, with the library's Swift
// products directly (DfnsClient over DfnsCurlTransport, DfnsWebAuthn's SoftwareAuthenticator).
//
// This program is the backend holding the service account. The end user's devices A, B and C are
// software authenticators (real attestations and assertions): A registers and signs the user action
// of a Hash signature (which the service account alone cannot make), then approves a passkey on B,
// which signs too; after both are lost, the recovery code registers C and A is refused. Usage:
// dfns-swift-example BOOTSTRAP_FILE (or DFNS_SANDBOX_BOOTSTRAP); exits 0 when every check passes.

import DfnsClient
import DfnsCrypto
import DfnsCurlTransport
import DfnsEncoding
import DfnsProtocol
import DfnsWebAuthn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A step that cannot go on.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Numbered steps and checks (✓/✗) for a person to follow; remembers how many failed.
@MainActor final class Narrator {
    var checks = 0, failures = 0
    func step(_ number: Int, _ title: String) { print("\n[\(number)] \(title)") }
    func say(_ text: String) { print("    \(text)") }
    func check(_ ok: Bool, _ text: String) {
        checks += 1
        failures += ok ? 0 : 1
        print("    \(ok ? "✓" : "✗") \(text)")
    }
    /// Runs `body`, which the API must refuse with HTTP `status`.
    func expectRefusal(_ text: String, status: Int, _ body: () async throws -> Void) async {
        do {
            try await body()
            check(false, "\(text): accepted")
        } catch let error as DfnsError {
            check(error.httpStatus == status, "\(text): refused (\(error))")
        } catch {
            check(false, "\(text): \(error)")
        }
    }
}

@main @MainActor
struct SwiftExample {
    static let narrator = Narrator()

    static func main() async {
        guard let file = CommandLine.arguments.dropFirst().first ?? getenv("DFNS_SANDBOX_BOOTSTRAP").map({ String(cString: $0) }) else {
            _ = "usage: dfns-swift-example BOOTSTRAP_FILE (or DFNS_SANDBOX_BOOTSTRAP): from dfns-sandbox --bootstrap-file\n"
                .withCString { write(2, $0, strlen($0)) }
            exit(2)
        }
        print("dfns-bridge: Delegated Signing from Swift")
        do {
            try await walkthrough(bootstrapFile: file)
        } catch {
            narrator.check(false, "the walkthrough stopped: \(error)")
        }
        print("\n\(narrator.checks - narrator.failures) of \(narrator.checks) checks passed")
        exit(narrator.failures == 0 ? 0 : 1)
    }

    static func walkthrough(bootstrapFile: String) async throws {
        narrator.step(1, "The backend's service account (from the sandbox's bootstrap file)")
        let bootstrap = try JSONParser().parse(try readFile(bootstrapFile))
        func member(_ name: String) throws -> String {
            guard let value = bootstrap[name]?.stringValue else { throw Failure("the bootstrap file has no \(name)") }
            return value
        }
        let baseURL = try BaseURL(try member("baseUrl"), allowInsecureHTTP: true), rpId = try member("rpId"), origin = try member("origin")
        let transport = CurlTransport(configuration: CurlTransportConfiguration(proxy: .disabled))
        let serviceKey = try KeyCredential(privateKeyPEM: try member("privateKeyPem"), credentialId: try member("credId"))
        let backend = DfnsAPIClient(baseURL: baseURL, transport: transport, authToken: try member("serviceAccountToken"),
                                    signer: KeySigner(credential: serviceKey))
        narrator.say("sandbox \(baseURL), organization \(try member("orgId")), relying party \(rpId) (\(origin))")
        narrator.say("service account Key credential \(serviceKey.credentialId): every write it makes is a signed user action")

        let username = "alice-swift-\(time(nil))-\(UInt16.random(in: .min ... .max))@example.com"  // a new end user per run
        narrator.step(2, "Delegated registration of \(username): a passkey on device A and a recovery code")
        let registration = try await backend.registration.delegated(email: username)
        guard let temporaryToken = registration["temporaryAuthenticationToken"]?.stringValue,
              let challenge = registration["challenge"]?.stringValue else { throw Failure("the registration challenge lacks its token") }
        let deviceA = SoftwareAuthenticator()
        let passkeyA = try Fido2Attestation(challenge: registration, authenticator: deviceA, rpId: rpId, origin: origin,
                                            attestation: .packedSelf)
        let recovery = try RecoveryKey.createCredential(challenge: challenge, username: username, credentialName: "recovery code")
        narrator.say("device A created passkey \(passkeyA.credId) (packed attestation); a recovery key sealed by a code the user keeps")
        let registered = try await backend.registration.complete(temporaryAuthenticationToken: temporaryToken,
                                                                 firstFactorCredential: passkeyA.jsonValue,
                                                                 recoveryCredential: recovery.attestation.jsonValue)
        guard let userId = registered["user"]?["id"]?.stringValue else { throw Failure("the registration answered no user id") }
        narrator.check(registered["credential"]?["kind"]?.stringValue == "Fido2", "end user \(userId) registered, device A's passkey as first factor")

        narrator.step(3, "Delegated login: the backend obtains the end user's token")
        var asUser = DfnsAPIClient(baseURL: baseURL, transport: transport, authToken: try await backend.login.delegated(username: username))
        narrator.check(asUser.authToken?.isEmpty == false, "a login token for \(username): it reads; each write needs the user's signature")

        narrator.step(4, "A wallet delegated to the end user; the service account alone cannot sign for it")
        let wallet = try await backend.wallets.create(network: "EthereumSepolia", name: "Alice's wallet", delegateTo: userId)
        guard let keyId = wallet.signingKey.id else { throw Failure("the wallet has no signing key id") }
        let publicKey = wallet.signingKey.publicKey
        narrator.check(wallet.signingKey.delegatedTo == userId && wallet.custodial == false,
                       "wallet \(wallet.id), \(wallet.signingKey.curve) key \(keyId), delegated to \(userId)")
        let digest = SHA256.hash(Array("Delegated Signing from Swift: transfer 1".utf8))
        await narrator.expectRefusal("the service account signing with its token and Key credential", status: 403) {
            _ = try await backend.keys.sign(keyId, .hash(digest))
        }

        narrator.step(5, "A Hash signature: the user action goes to device A, which signs it")
        let signerA = try passkeyA.signer(on: deviceA)
        try await signHash(digest, keyId: keyId, publicKey: publicKey, client: asUser, device: signerA, name: "device A")

        narrator.step(6, "A passkey on device B, its addition approved by device A; then device B signs")
        let creation = try await asUser.credentials.initialize(kind: "Fido2")
        let deviceB = SoftwareAuthenticator()
        let passkeyB = try Fido2Attestation(challenge: creation, authenticator: deviceB, rpId: rpId, origin: origin, credentialName: "device B")
        guard case .object(var credentialB) = passkeyB.jsonValue, let creationId = creation["challengeIdentifier"]?.stringValue else {
            throw Failure("the credential challenge has no challengeIdentifier")
        }
        credentialB.append(("challengeIdentifier", .string(creationId)))
        let addition = try await asUser.credentials.createDelegated(.object(credentialB))
        let added = try await asUser.delegatedComplete(addition, firstFactor: try await signerA.sign(addition.challenge)).json()
        narrator.check(added["kind"]?.stringValue == "Fido2", "device B's passkey \(passkeyB.credId) added; device A signed the user action")
        let digestB = SHA256.hash(Array("Delegated Signing from Swift: transfer 2".utf8))
        try await signHash(digestB, keyId: keyId, publicKey: publicKey, client: asUser, device: try passkeyB.signer(on: deviceB), name: "device B")

        narrator.step(7, "Both devices lost: the recovery code registers a passkey on device C")
        let recoveryId = recovery.attestation.credentialId
        let reset = try await backend.recovery.delegated(username: username, credentialId: recoveryId)
        guard let resetToken = reset["temporaryAuthenticationToken"]?.stringValue, let resetChallenge = reset["challenge"]?.stringValue,
              let envelope = reset["allowedRecoveryCredentials"]?.arrayValue?.first(where: { $0["id"]?.stringValue == recoveryId }),
              let encryptedKey = envelope["encryptedRecoveryKey"]?.stringValue else { throw Failure("the recovery challenge is incomplete") }
        let deviceC = SoftwareAuthenticator()
        let passkeyC = try Fido2Attestation(challenge: reset, authenticator: deviceC, rpId: rpId, origin: origin)
        let newRecovery = try RecoveryKey.createCredential(challenge: resetChallenge, username: username, credentialName: "new code")
        let newCredentials: JSONValue = .object([("firstFactorCredential", passkeyC.jsonValue),
                                                 ("recoveryCredential", newRecovery.attestation.jsonValue)])
        let proof = try RecoveryKey.sign(challenge: RecoveryAPI.recoveryChallenge(for: newCredentials), encryptedRecoveryKey: encryptedKey,
                                         recoveryCode: recovery.recoveryCode, username: username, credentialId: recoveryId)
        let recovered = try await backend.recovery.complete(temporaryAuthenticationToken: resetToken,
                                                            recovery: proof.jsonValue(kind: RecoveryKey.credentialKind),
                                                            newCredentials: newCredentials)
        narrator.check(recovered["user"]?["id"]?.stringValue == userId, "account recovered with the code; device C's passkey \(passkeyC.credId) registered")
        await narrator.expectRefusal("the end user's token from before the recovery", status: 401) { _ = try await asUser.wallets.get(wallet.id) }
        asUser = asUser.withAuthToken(try await backend.login.delegated(username: username))
        let digestC = SHA256.hash(Array("Delegated Signing from Swift: transfer 3".utf8))
        try await signHash(digestC, keyId: keyId, publicKey: publicKey, client: asUser, device: try passkeyC.signer(on: deviceC), name: "device C")
        await narrator.expectRefusal("device A's old passkey, past its own allow-list check", status: 401) {
            let request = try await asUser.delegatedInit(.post, "/keys/\(keyId)/signatures", body: hashBody(digestC))
            let stale = try signerA.assertion(challenge: request.challenge.challenge, allowedCredentialIds: nil)
            _ = try await asUser.delegatedComplete(request, firstFactor: stale.jsonValue)
        }

        narrator.step(8, "The sandbox's audit log: every signed user action, hash-chained")
        let audit = try await backend.send(.get, "/audit/verify").json()
        narrator.check(audit["intact"]?.boolValue == true, "audit chain intact over \(audit["entries"]?.int64Value ?? 0) signed user actions")
    }

    /// Delegated Signing of a Hash: the backend opens the user action, the device signs its
    /// challenge, the backend completes it; then the returned signature is verified here.
    static func signHash(_ digest: [UInt8], keyId: String, publicKey: String, client: DfnsAPIClient, device: WebAuthnSigner,
                         name: String) async throws {
        let request = try await client.delegatedInit(.post, "/keys/\(keyId)/signatures", body: hashBody(digest))
        narrator.say("challenge \(request.challenge.challengeIdentifier.prefix(24))… of POST \(request.path) goes to \(name)")
        let answer = try await client.delegatedComplete(request, firstFactor: try await device.sign(request.challenge))
        let signature = try answer.decode(KeySignature.self)
        narrator.check(signature.status == "Signed", "\(name)'s assertion exchanged for a user-action token: signature \(signature.status)")
        guard let parts = signature.signature else { throw Failure("the signature answer has no r, s") }
        do {
            try ReturnedSignatureVerifier.verifySecp256k1(digest: digest, r: parts.r, s: parts.s, recid: parts.recid,
                                                          encoded: parts.encoded, publicKeyHex: publicKey)
            narrator.check(true, "verified here: the key recovered from r, s, recid is the wallet's")
        } catch {
            narrator.check(false, "the returned signature does not verify: \(error)")
        }
    }

    /// The body of a Hash signature request: `{"kind":"Hash","hash":"0x…"}`.
    static func hashBody(_ digest: [UInt8]) -> [UInt8] {
        JSONWriter.bytes(.object([("kind", .string("Hash")), ("hash", .string("0x" + Hex.encode(digest)))]))
    }

    /// The bytes of the file at `path`.
    static func readFile(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw Failure("cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 4096)
        while case let count = fread(&chunk, 1, chunk.count, file), count > 0 { bytes += chunk[..<count] }
        return bytes
    }
}

import ArgumentParser
import DfnsClient
import DfnsCrypto
import DfnsCurlTransport
import DfnsEncoding
import DfnsProtocol
import Foundation

/// The main job of dfns-bridge: Delegated Signing from end to end against a running sandbox, with
/// the library's client on the backend side and the end user's devices in other processes.
@main
struct Walkthrough: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dfns-walkthrough",
        abstract: "Delegated Signing end to end against a dfns-sandbox: registration, login, a delegated wallet, signatures from the user's devices, a second device, recovery, webhooks and the audit chain.")

    @Option(help: "The sandbox's bootstrap file (dfns-sandbox --bootstrap-file).")
    var bootstrapFile: String

    @Option(help: "The dfns-bridge CLI that plays the user's devices (dfns-bridge device ...).")
    var deviceTool: String

    @Option(help: "Folder for the devices' state files (their private keys).")
    var workDir: String

    func run() async throws {
        let narrator = Narrator()
        do {
            try await Scenario(bootstrapFile: bootstrapFile, deviceTool: deviceTool, workDir: workDir, narrator: narrator).run()
        } catch {
            narrator.check(false, "the walkthrough stopped: \(error)")
        }
        print("\n\(narrator.checks - narrator.failures.count) of \(narrator.checks) checks passed")
        if !narrator.failures.isEmpty {
            print("failed:")
            for failure in narrator.failures { print("  - \(failure)") }
            throw ExitCode(1)
        }
    }
}

/// The steps, in order.
struct Scenario {
    let bootstrapFile: String
    let deviceTool: String
    let workDir: String
    let narrator: Narrator

    func run() async throws {
        // 1. The service account.
        narrator.step(1, "The backend's service account (from the sandbox's bootstrap file)")
        let bootstrap = try JSONParser().parse(Array(try Data(contentsOf: URL(fileURLWithPath: bootstrapFile))))
        func member(_ name: String) throws -> String {
            guard let value = bootstrap[name]?.stringValue else { throw WalkthroughFailure("bootstrap file lacks \(name)") }
            return value
        }
        let baseURL = try member("baseUrl"), orgId = try member("orgId"), rpId = try member("rpId"), origin = try member("origin")
        let transport = CurlTransport(configuration: CurlTransportConfiguration(proxy: .disabled))
        let serviceKey = try KeyCredential(privateKeyPEM: try member("privateKeyPem"), credentialId: try member("credId"))
        let backend = DfnsAPIClient(baseURL: try BaseURL(baseURL, allowInsecureHTTP: true), transport: transport,
                                    authToken: try member("serviceAccountToken"), signer: KeySigner(credential: serviceKey))
        narrator.say("sandbox \(baseURL), organization \(orgId), relying party \(rpId) (\(origin))")
        narrator.say("service account Key credential \(serviceKey.credentialId) (P-256); every write it makes is a signed user action")

        let receiver = WebhookReceiver()
        let webhookURL = try await receiver.start()
        let webhook = try await backend.send(.post, "/webhooks", json: .object([
            ("url", .string(webhookURL)), ("events", .array([.string("*")])), ("description", .string("walkthrough")),
        ])).json()
        guard let webhookSecret = webhook["secret"]?.stringValue else { throw WalkthroughFailure("the webhook answer has no secret") }
        narrator.say("webhook \(webhook["id"]?.stringValue ?? "?") registered for every event, delivered to \(webhookURL)")

        let deviceA = Device(name: "device A", tool: deviceTool, stateFile: workDir + "/device-a.json")
        let deviceB = Device(name: "device B", tool: deviceTool, stateFile: workDir + "/device-b.json")
        let deviceC = Device(name: "device C", tool: deviceTool, stateFile: workDir + "/device-c.json")
        let username = "alice-\(Int(Date().timeIntervalSince1970))@example.com"

        // 2. Delegated registration.
        narrator.step(2, "Delegated registration of \(username): a passkey on device A and a recovery credential")
        let registration = try await backend.registration.delegated(email: username)
        guard let temporaryToken = registration["temporaryAuthenticationToken"]?.stringValue,
              let registrationChallenge = registration["challenge"]?.stringValue else {
            throw WalkthroughFailure("the registration challenge lacks its token or challenge")
        }
        narrator.say("the backend forwards the registration challenge to device A (another process)")
        let passkeyA = try deviceA.create(challenge: registration, rpId: rpId, origin: origin)
        let credIdA = passkeyA["credentialInfo"]?["credId"]?.stringValue ?? "?"
        narrator.say("device A created passkey \(credIdA) with a packed attestation")
        let recovery = try RecoveryKey.createCredential(challenge: registrationChallenge, username: username, credentialName: "recovery code")
        let recoveryCredId = recovery.attestation.credentialId
        let recoveryCodeText = recovery.recoveryCode.secret.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        narrator.say("recovery code, shown once for the user to keep: \(recoveryCodeText)")
        let registered = try await backend.registration.complete(temporaryAuthenticationToken: temporaryToken,
                                                                 firstFactorCredential: passkeyA,
                                                                 recoveryCredential: recovery.attestation.jsonValue)
        guard let userId = registered["user"]?["id"]?.stringValue else { throw WalkthroughFailure("registration answered no user id") }
        narrator.check(registered["credential"]?["kind"]?.stringValue == "Fido2", "end user \(userId) registered with device A's passkey as first factor")

        // 3. Delegated login.
        narrator.step(3, "Delegated login: the backend obtains the end user's token (read-only until the user signs)")
        let userToken = try await backend.login.delegated(username: username)
        let asUser = backend.withAuthToken(userToken)
        let asUserNoSigner = DfnsAPIClient(baseURL: try BaseURL(baseURL, allowInsecureHTTP: true), transport: transport, authToken: userToken)
        narrator.check(!userToken.isEmpty, "delegated login answered a token for \(username)")

        // 4. A wallet delegated to the end user.
        narrator.step(4, "A wallet delegated to the end user; the service account alone cannot sign for it")
        let wallet = try await backend.wallets.create(network: "EthereumSepolia", name: "Alice's wallet", delegateTo: userId)
        guard let keyId = wallet.signingKey.id else { throw WalkthroughFailure("the wallet has no signing key id") }
        narrator.check(wallet.signingKey.delegatedTo == userId && wallet.custodial == false,
                       "wallet \(wallet.id) on \(wallet.network), key \(keyId) (\(wallet.signingKey.curve)) delegated to \(userId)")
        let digest = SHA256.hash(Array("Delegated Signing walkthrough: transfer 1".utf8))
        await narrator.expectRefusal("the service account signing with its own token and Key credential",
                                     matches: { $0.contains("403") || $0.contains("delegated") }) {
            _ = try await backend.keys.sign(keyId, .hash(digest))
        }

        // 5. A Hash signature, signed by device A.
        narrator.step(5, "A Hash signature: the challenge goes to device A, which signs it in another process")
        let signedByA = try await signHash(digest, keyId: keyId, client: asUserNoSigner, device: deviceA)
        try verifyLocally(signedByA, digest: digest, publicKeyHex: wallet.signingKey.publicKey, label: "signature \(signedByA["id"]?.stringValue ?? "")")
        _ = asUser

        // 6. A second device.
        narrator.step(6, "A passkey on device B, its addition signed by device A; then device B signs")
        let creation = try await asUserNoSigner.credentials.initialize(kind: "Fido2")
        let passkeyB = try deviceB.create(challenge: creation, rpId: rpId, origin: origin)
        guard let creationId = creation["challengeIdentifier"]?.stringValue,
              case .object(var credentialB) = passkeyB else { throw WalkthroughFailure("credential challenge lacks challengeIdentifier") }
        credentialB.append(("credentialName", .string("device B")))
        credentialB.append(("challengeIdentifier", .string(creationId)))
        let addition = try await asUserNoSigner.credentials.createDelegated(.object(credentialB))
        narrator.say("the backend forwards the user-action challenge for POST /auth/credentials to device A")
        let approvalByA = try deviceA.sign(challenge: try challengeJSON(addition.challenge))
        let added = try await asUserNoSigner.delegatedComplete(addition, firstFactor: approvalByA).json()
        narrator.check(added["kind"]?.stringValue == "Fido2" || added["credentialKind"]?.stringValue == "Fido2" || added["credentialUuid"] != nil || added["uuid"] != nil,
                       "device B's passkey \(passkeyB["credentialInfo"]?["credId"]?.stringValue ?? "?") added, approved by device A")
        let digestB = SHA256.hash(Array("Delegated Signing walkthrough: transfer 2".utf8))
        let signedByB = try await signHash(digestB, keyId: keyId, client: asUserNoSigner, device: deviceB)
        try verifyLocally(signedByB, digest: digestB, publicKeyHex: wallet.signingKey.publicKey, label: "device B's signature")

        // 7. Recovery.
        narrator.step(7, "Both devices lost: recovery with the recovery code, a new passkey on device C")
        let recoveryChallenge = try await backend.recovery.delegated(username: username, credentialId: recoveryCredId)
        guard let recoveryToken = recoveryChallenge["temporaryAuthenticationToken"]?.stringValue,
              let newChallenge = recoveryChallenge["challenge"]?.stringValue,
              let allowed = recoveryChallenge["allowedRecoveryCredentials"]?.arrayValue,
              let encryptedRecoveryKey = allowed.first(where: { $0["id"]?.stringValue == recoveryCredId })?["encryptedRecoveryKey"]?.stringValue else {
            throw WalkthroughFailure("the recovery challenge lacks its token, challenge or encrypted recovery key")
        }
        let passkeyC = try deviceC.create(challenge: recoveryChallenge, rpId: rpId, origin: origin)
        let newRecovery = try RecoveryKey.createCredential(challenge: newChallenge, username: username, credentialName: "new recovery code")
        let newCredentials: JSONValue = .object([
            ("firstFactorCredential", passkeyC), ("recoveryCredential", newRecovery.attestation.jsonValue),
        ])
        let typedCode = try RecoveryCode(validating: recoveryCodeText)
        let recoveryAssertion = try RecoveryKey.sign(challenge: RecoveryAPI.recoveryChallenge(for: newCredentials),
                                                     encryptedRecoveryKey: encryptedRecoveryKey, recoveryCode: typedCode,
                                                     username: username, credentialId: recoveryCredId)
        let recovered = try await backend.recovery.complete(temporaryAuthenticationToken: recoveryToken,
                                                            recovery: recoveryAssertion.jsonValue(kind: "RecoveryKey"),
                                                            newCredentials: newCredentials)
        narrator.check(recovered["user"]?["id"]?.stringValue == userId, "account recovered with the code typed by the user; device C's passkey registered")
        await narrator.expectRefusal("the end user's token from before the recovery", matches: { $0.contains("401") || $0.contains("revoked") }) {
            _ = try await asUserNoSigner.wallets.get(wallet.id)
        }
        let freshToken = try await backend.login.delegated(username: username)
        let asRecovered = DfnsAPIClient(baseURL: try BaseURL(baseURL, allowInsecureHTTP: true), transport: transport, authToken: freshToken)
        let digestC = SHA256.hash(Array("Delegated Signing walkthrough: transfer 3".utf8))
        let signedByC = try await signHash(digestC, keyId: keyId, client: asRecovered, device: deviceC)
        try verifyLocally(signedByC, digest: digestC, publicKeyHex: wallet.signingKey.publicKey, label: "device C's signature")
        await narrator.expectRefusal("device A's old passkey (the device ignores the allow list; the server still refuses)",
                                     matches: { $0.contains("deactivated") || $0.contains("not a credential") }) {
            let request = try await asRecovered.delegatedInit(.post, "/keys/\(keyId)/signatures",
                                                              body: JSONWriter.bytes(.object([("kind", .string("Hash")), ("hash", .string("0x" + Hex.encode(digestC)))])))
            var challenge = try challengeJSON(request.challenge)
            if case .object(let members) = challenge { challenge = .object(members.filter { $0.0 != "allowCredentials" }) }
            let assertion = try deviceA.sign(challenge: challenge)
            _ = try await asRecovered.delegatedComplete(request, firstFactor: assertion)
        }

        // 8. Webhooks and the audit chain.
        narrator.step(8, "The webhooks received during the run, and the audit chain")
        var deliveries = receiver.received
        for _ in 0..<600 where Set(deliveries.compactMap { try? JSONParser().parse($0.body)["kind"]?.stringValue }).isSuperset(of: ["wallet.created", "wallet.signature.signed"]) == false {
            try await Task.sleep(for: .milliseconds(50))
            deliveries = receiver.received
        }
        let verifier = WebhookVerifier(secret: SecretBytes(Array(webhookSecret.utf8)))
        var kinds: [String] = []
        var verified = 0
        for delivery in deliveries {
            do {
                let event = try verifier.verify(body: delivery.body, signatureHeader: delivery.signature, now: Int64(Date().timeIntervalSince1970))
                kinds.append(event.kind)
                verified += 1
            } catch {
                narrator.check(false, "a webhook delivery does not verify: \(error)")
            }
        }
        narrator.check(verified > 0 && verified == deliveries.count, "\(verified) webhook deliveries verified (HMAC-SHA256 over the raw body, timestamp fresh): \(Dictionary(grouping: kinds, by: { $0 }).map { "\($0.key) ×\($0.value.count)" }.sorted().joined(separator: ", "))")
        narrator.check(kinds.contains("wallet.created") && kinds.contains("wallet.signature.signed"), "the wallet creation and the signatures were announced")
        let audit = try await backend.send(.get, "/audit/verify").json()
        narrator.check(audit["intact"]?.boolValue == true, "audit chain intact over \(audit["entries"]?.int64Value ?? 0) signed user actions")
        await receiver.stop()
    }

    /// The user-action challenge as the JSON the device reads.
    func challengeJSON(_ challenge: UserActionChallenge) throws -> JSONValue {
        try JSONParser().parse(Array(try JSONEncoder().encode(challenge)))
    }

    /// Delegated Signing of a Hash: the backend opens the user action, the device signs the
    /// challenge, the backend completes it and sends the request.
    func signHash(_ digest: [UInt8], keyId: String, client: DfnsAPIClient, device: Device) async throws -> JSONValue {
        let body = JSONWriter.bytes(.object([("kind", .string("Hash")), ("hash", .string("0x" + Hex.encode(digest)))]))
        let request = try await client.delegatedInit(.post, "/keys/\(keyId)/signatures", body: body)
        narrator.say("challenge \(request.challenge.challengeIdentifier.prefix(24))… forwarded to \(device.name)")
        let assertion = try device.sign(challenge: try challengeJSON(request.challenge))
        let response = try await client.delegatedComplete(request, firstFactor: assertion)
        let signature = try response.json()
        narrator.check(signature["status"]?.stringValue == "Signed", "\(device.name) signed the user action; the key signed the hash (status \(signature["status"]?.stringValue ?? "?"))")
        return signature
    }

    /// Checks the returned ECDSA signature against the wallet's public key with libsecp256k1
    /// (public-key recovery from r, s, recid).
    func verifyLocally(_ signature: JSONValue, digest: [UInt8], publicKeyHex: String, label: String) throws {
        guard let components = signature["signature"], let r = components["r"]?.stringValue, let s = components["s"]?.stringValue else {
            narrator.check(false, "\(label): no signature returned")
            return
        }
        let recid = components["recid"]?.int64Value.map { Int($0) }
        do {
            try ReturnedSignatureVerifier.verifySecp256k1(digest: digest, r: r, s: s, recid: recid,
                                                          encoded: components["encoded"]?.stringValue, publicKeyHex: publicKeyHex)
            narrator.check(true, "\(label) verified locally with libsecp256k1 (recovered key = the wallet's key)")
        } catch {
            narrator.check(false, "\(label) does not verify: \(error)")
        }
    }
}

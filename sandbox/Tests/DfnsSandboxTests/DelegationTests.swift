import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import GRDB
import Testing

/// The Delegated Signing promise: a key delegated to end user U is signed with only by U, with U's
/// own credential; the service account that made it is refused, and so is every other end user.
@Suite struct DelegationTests {
    @Test func endUserSignsAHashWithTheirDelegatedKeyVerifiedByTheClientAndIndependently() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let user = try await EndUserFixture.create(in: sandbox)
            let key = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1", delegateTo: user.user.id)
            #expect(key.custodial == false)
            #expect(key.delegatedTo == user.user.id)

            let client = try user.client(in: sandbox)
            #expect(client.verifyReturnedSignatures)
            let digest = testDigest("delegated hash")
            let signature = try #require(try await client.keys.sign(key.id, .hash(digest)).completedEntity)
            #expect(signature.status == "Signed")
            #expect(signature.requester?.userId == user.user.id)
            try expectRecovers(signature.signature, digest: digest, publicKeyHex: key.publicKey)
            // Also through the library's verifier with the key as the end user reads it.
            let components = try #require(signature.signature)
            try ReturnedSignatureVerifier.verifySecp256k1(digest: digest, r: components.r, s: components.s, recid: components.recid,
                                                          encoded: components.encoded, publicKeyHex: try await client.keys.get(key.id).publicKey)
        }
    }

    @Test func endUserSignsAMessageWithTheirDelegatedEd25519Key() async throws {
        try await withSandbox { sandbox in
            let user = try await EndUserFixture.create(in: sandbox)
            let key = try await sandbox.serviceAccountClient().keys.create(scheme: "EdDSA", curve: "ed25519", delegateTo: user.user.id)
            let message = Array("solana message".utf8)
            let signature = try #require(try await user.client(in: sandbox).keys.sign(key.id, .message(message)).completedEntity)
            try expectEd25519Verifies(signature.signature, message: message, publicKeyHex: key.publicKey)
        }
    }

    @Test func theServiceAccountIsRefusedOnAKeyDelegatedToAnEndUser() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let user = try await EndUserFixture.create(in: sandbox)
            let key = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1", delegateTo: user.user.id)
            let wallet = try await service.wallets.create(network: "EthereumSepolia", delegateTo: user.user.id)

            let error = await apiError { try await service.keys.sign(key.id, .hash(testDigest("steal"))) }
            #expect(error?.status == 403)
            #expect(error?.message?.contains("delegated to an end user") == true, "\(error?.message ?? "")")
            let viaWallet = await apiError {
                try await service.send(.post, "/wallets/\(wallet.id)/signatures",
                                       json: .object([("kind", .string("Hash")), ("hash", .string("0x" + Hex.encode(testDigest("w"))))]))
            }
            #expect(viaWallet?.status == 403)
            let viaTransfer = await apiError {
                try await service.wallets.transfer(wallet.id, .object([("kind", .string("Native")), ("to", .string("0xabc")),
                                                                       ("amount", .string("1"))]))
            }
            #expect(viaTransfer?.status == 403)
            #expect(viaTransfer?.message?.contains("delegated to an end user") == true)
            // Nothing was recorded.
            #expect(try await sandbox.count("signature") == 0)
            #expect(try await sandbox.count("transfer") == 0)
            // The service account still sees the key (it is the organization's), but cannot rename it either.
            #expect(try await service.keys.get(key.id).id == key.id)
            let rename = await apiError { try await service.send(.put, "/keys/\(key.id)", json: .object([("name", .string("mine"))])) }
            #expect(rename?.status == 403)
        }
    }

    @Test func anEndUserIsRefusedOnAnotherEndUsersKeyAndOnCustodialKeys() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let alice = try await EndUserFixture.create(in: sandbox)
            let bob = try await EndUserFixture.create(in: sandbox)
            let alicesKey = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1", delegateTo: alice.user.id)
            let custodial = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1")
            let bobClient = try bob.client(in: sandbox)

            let other = await apiError { try await bobClient.keys.sign(alicesKey.id, .hash(testDigest("bob"))) }
            #expect(other?.status == 403)
            #expect(other?.message?.contains("delegated to another end user") == true)
            let onCustodial = await apiError { try await bobClient.keys.sign(custodial.id, .hash(testDigest("bob"))) }
            #expect(onCustodial?.status == 403)
            #expect(onCustodial?.message?.contains("custodial") == true)
            // Reads of what Bob may not see are 404s, and lists hold only his keys.
            #expect(await apiError { try await bobClient.keys.get(alicesKey.id) }?.status == 404)
            #expect(await apiError { try await bobClient.keys.get(custodial.id) }?.status == 404)
            var bobs: [String] = []
            for try await key in bobClient.keys.list() { bobs.append(key.id) }
            #expect(bobs.isEmpty)
            var alices: [String] = []
            for try await key in try alice.client(in: sandbox).keys.list() { alices.append(key.id) }
            #expect(alices == [alicesKey.id])
            // Bob cannot delegate keys, nor create one for Alice.
            #expect(await apiError { try await bobClient.keys.delegate(custodial.id, to: bob.user.id) }?.status == 403)
            #expect(await apiError { try await bobClient.keys.create(scheme: "ECDSA", curve: "secp256k1", delegateTo: alice.user.id) }?.status == 403)
            #expect(try await sandbox.count("signature") == 0)
            // A key an end user creates is delegated to them.
            let own = try await bobClient.keys.create(scheme: "ECDSA", curve: "secp256k1")
            #expect(own.delegatedTo == bob.user.id)
            #expect(try await bobClient.keys.sign(own.id, .hash(testDigest("own"))).completedEntity?.status == "Signed")
        }
    }

    @Test func delegatingACustodialKeyHandsItOverForGood() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let alice = try await EndUserFixture.create(in: sandbox)
            let bob = try await EndUserFixture.create(in: sandbox)
            let key = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1")
            #expect(try await service.keys.sign(key.id, .hash(testDigest("before"))).completedEntity?.status == "Signed")

            let delegated = try await service.keys.delegate(key.id, to: alice.user.id)
            #expect(delegated["delegatedTo"]?.stringValue == alice.user.id)
            #expect(delegated["custodial"]?.boolValue == false)

            let again = await apiError { try await service.keys.delegate(key.id, to: bob.user.id) }
            #expect(again?.status == 400)
            #expect(again?.message?.contains("cannot be delegated again") == true)
            let toServiceAccount = await apiError {
                try await service.keys.delegate(try await service.keys.create(scheme: "ECDSA", curve: "secp256k1").id, to: sandbox.serviceAccountId)
            }
            #expect(toServiceAccount?.status == 400)

            let refused = await apiError { try await service.keys.sign(key.id, .hash(testDigest("after"))) }
            #expect(refused?.status == 403)
            #expect(try await alice.client(in: sandbox).keys.sign(key.id, .hash(testDigest("alice"))).completedEntity?.status == "Signed")
            #expect(try await sandbox.count("signingKey", where: "delegatedTo = '\(alice.user.id)'") == 1)
        }
    }

    @Test func keyAndSignatureEventsAreQueuedForWebhooks() async throws {
        try await withSandbox { sandbox in
            try await sandbox.subscribeAllEvents()
            let service = try sandbox.serviceAccountClient()
            let alice = try await EndUserFixture.create(in: sandbox)
            let key = try await service.keys.create(scheme: "ECDSA", curve: "secp256k1")
            _ = try await service.keys.delegate(key.id, to: alice.user.id)
            _ = try await alice.client(in: sandbox).keys.sign(key.id, .hash(testDigest("event")))
            _ = try await service.wallets.create(network: "Solana")
            #expect(try await sandbox.eventKinds() == [
                "key.created", "key.delegated", "wallet.signature.requested", "wallet.signature.signed", "wallet.created",
            ])
        }
    }
}

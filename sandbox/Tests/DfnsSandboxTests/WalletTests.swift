import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import GRDB
import Testing

@Suite struct WalletTests {
    @Test func createsWalletsOverTheNetworksKeyTypeAndChangesNameAndTags() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let evm = try await client.wallets.create(network: "EthereumSepolia", name: "ops", tags: ["hot"])
            #expect(evm.signingKey.scheme == "ECDSA" && evm.signingKey.curve == "secp256k1")
            #expect(evm.custodial == true)
            #expect(evm.tags == ["hot"])
            #expect(evm.externalId?.hasPrefix("dfns-bridge-") == true)
            let solana = try await client.wallets.create(network: "Solana")
            #expect(solana.signingKey.scheme == "EdDSA" && solana.signingKey.curve == "ed25519")
            #expect(try await client.wallets.get(evm.id) == evm)

            let renamed = try await client.send(.put, "/wallets/\(evm.id)", json: .object([("name", .string("ops-2"))])).decode(Wallet.self)
            #expect(renamed.name == "ops-2")
            let tagged = try await client.send(.put, "/wallets/\(evm.id)/tags", json: .object([("tags", .array([.string("eu"), .string("hot")]))]))
                .decode(Wallet.self)
            #expect(tagged.tags == ["hot", "eu"])
            let untagged = try await client.send(.delete, "/wallets/\(evm.id)/tags", json: .object([("tags", .array([.string("hot")]))]))
                .decode(Wallet.self)
            #expect(untagged.tags == ["eu"])

            let unknown = await apiError { try await client.wallets.create(network: "Atlantis") }
            #expect(unknown?.status == 400)
            #expect(unknown?.message?.contains("Atlantis") == true)
            #expect(try await sandbox.count("wallet") == 2)
        }
    }

    @Test func paginationWalksEveryWalletAndRefusesForeignTokens() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            var created: [String] = []
            for index in 0..<5 {
                created.append(try await client.wallets.create(network: "EthereumSepolia", name: "w\(index)").id)
            }
            // Page by page with the raw API.
            var token: String?
            var pages = 0
            var seen: [String] = []
            repeat {
                let path = "/wallets?limit=2" + (token.map { "&paginationToken=\($0)" } ?? "")
                let page = try await client.send(.get, path).json()
                pages += 1
                seen += page["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                token = page["nextPageToken"]?.stringValue
                #expect(pages <= 3)
            } while token != nil && pages < 4
            #expect(pages == 3)
            #expect(seen == created)
            // And with the library's page sequence.
            var listed: [String] = []
            for try await wallet in client.wallets.list(limit: 2) { listed.append(wallet.id) }
            #expect(listed == created)

            let bad = await apiError { try await client.send(.get, "/wallets?limit=2&paginationToken=not-a-token") }
            #expect(bad?.status == 400)
            #expect(bad?.message?.contains("paginationToken") == true)
            #expect(await apiError { try await client.send(.get, "/wallets?limit=0") }?.status == 400)
        }
    }

    @Test func walletExternalIdIsIdempotent() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let first = try await client.wallets.create(network: "EthereumSepolia", name: "a", externalId: "wallet-1")
            let again = try await client.wallets.create(network: "EthereumSepolia", name: "a", externalId: "wallet-1")
            #expect(again == first)
            let conflict = await apiError { try await client.wallets.create(network: "Solana", name: "a", externalId: "wallet-1") }
            #expect(conflict?.status == 409)
            #expect(conflict?.message == "Conflicting wallet with same externalId")
            #expect(conflict?.details?["duplicate"]?["id"]?.stringValue == first.id)
            #expect(try await sandbox.count("wallet") == 1)
            #expect(try await sandbox.count("signingKey") == 1)
        }
    }

    @Test func endUsersSeeOnlyTheirWalletsAndSignThroughTheDeprecatedWalletEndpoint() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let alice = try await EndUserFixture.create(in: sandbox)
            let bob = try await EndUserFixture.create(in: sandbox)
            let alicesWallet = try await service.wallets.create(network: "EthereumSepolia", delegateTo: alice.user.id)
            _ = try await service.wallets.create(network: "EthereumSepolia")
            #expect(alicesWallet.custodial == false)
            #expect(alicesWallet.signingKey.delegatedTo == alice.user.id)

            let aliceClient = try alice.client(in: sandbox)
            var hers: [String] = []
            for try await wallet in aliceClient.wallets.list() { hers.append(wallet.id) }
            #expect(hers == [alicesWallet.id])
            var all: [String] = []
            for try await wallet in service.wallets.list() { all.append(wallet.id) }
            #expect(all.count == 2)
            #expect(await apiError { try await bob.client(in: sandbox).wallets.get(alicesWallet.id) }?.status == 404)

            let digest = testDigest("wallet alias")
            let response = try await aliceClient.send(.post, "/wallets/\(alicesWallet.id)/signatures",
                                                      json: .object([("kind", .string("Hash")), ("hash", .string("0x" + Hex.encode(digest)))]))
            let signature = try response.decode(KeySignature.self)
            #expect(signature.status == "Signed")
            #expect(try response.json()["walletId"]?.stringValue == alicesWallet.id)
            try expectRecovers(signature.signature, digest: digest, publicKeyHex: alicesWallet.signingKey.publicKey)
            let listed = try await aliceClient.send(.get, "/wallets/\(alicesWallet.id)/signatures").json()
            #expect(listed["items"]?.arrayValue?.count == 1)

            // An end user's own wallet is delegated to them.
            let own = try await bob.client(in: sandbox).wallets.create(network: "Solana")
            #expect(own.signingKey.delegatedTo == bob.user.id)
        }
    }
}

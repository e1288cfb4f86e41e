import DfnsClient
import DfnsEncoding
import DfnsProtocol
@testable import DfnsSandbox
import GRDB
import Testing

/// Transfers are recorded (never broadcast) with `externalId` idempotency (§8.4, §15.3).
@Suite struct TransferTests {
    static func native(_ to: String, _ amount: String, externalId: String? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("kind", .string("Native")), ("to", .string(to)), ("amount", .string(amount))]
        if let externalId { members.append(("externalId", .string(externalId))) }
        return .object(members)
    }

    @Test func aNativeTransferIsRecordedPendingAndReadBack() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let wallet = try await client.wallets.create(network: "EthereumSepolia")
            let outcome = try await client.wallets.transfer(wallet.id, Self.native("0x00000000000000000000000000000000000000aa", "1000"))
            guard case .pending(let transfer, let approvalId) = outcome else {
                Issue.record("expected a pending transfer, got \(outcome)")
                return
            }
            #expect(approvalId == nil)
            #expect(transfer["status"]?.stringValue == "Pending")
            #expect(transfer["walletId"]?.stringValue == wallet.id)
            #expect(transfer["network"]?.stringValue == "EthereumSepolia")
            #expect(transfer["requestBody"]?["amount"]?.stringValue == "1000")
            let id = try #require(transfer["id"]?.stringValue)
            #expect(try await client.send(.get, "/wallets/\(wallet.id)/transfers/\(id)").json() == transfer)
            let list = try await client.send(.get, "/wallets/\(wallet.id)/transfers").json()
            #expect(list["items"]?.arrayValue == [transfer])
        }
    }

    @Test func transferExternalIdIsIdempotent() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let wallet = try await client.wallets.create(network: "EthereumSepolia")
            let body = Self.native("0xbeef", "42", externalId: "payout-7")
            let first = try await client.send(.post, "/wallets/\(wallet.id)/transfers", json: body)
            let again = try await client.send(.post, "/wallets/\(wallet.id)/transfers", json: body)
            #expect(first.status == 200 && again.status == 200)
            let firstId = try first.json()["id"]?.stringValue
            #expect(firstId != nil)
            #expect(try again.json()["id"]?.stringValue == firstId)
            #expect(try await sandbox.count("transfer") == 1)

            let conflict = await apiError {
                try await client.send(.post, "/wallets/\(wallet.id)/transfers", json: Self.native("0xbeef", "43", externalId: "payout-7"))
            }
            #expect(conflict?.status == 409)
            #expect(conflict?.message == "Conflicting transfer with same externalId")
            #expect(conflict?.details?["duplicate"]?["id"]?.stringValue == firstId)
            #expect(conflict?.details?["duplicate"]?["requestBody"]?["amount"]?.stringValue == "42")
            // The documented envelope, as sent.
            let envelope = try JSONParser().parse(try #require(conflict?.body))
            #expect(envelope["error"]?["status"]?.int64Value == 409)
            #expect(try await sandbox.count("transfer") == 1)

            // The same externalId on another wallet is another transfer.
            let otherWallet = try await client.wallets.create(network: "EthereumSepolia")
            _ = try await client.send(.post, "/wallets/\(otherWallet.id)/transfers", json: body)
            #expect(try await sandbox.count("transfer") == 2)
        }
    }

    @Test func unsupportedKindsAndMalformedAmountsAreRefused() async throws {
        try await withSandbox { sandbox in
            let client = try sandbox.serviceAccountClient()
            let wallet = try await client.wallets.create(network: "EthereumSepolia")
            let erc20 = await apiError {
                try await client.wallets.transfer(wallet.id, .object([("kind", .string("Erc20")), ("contract", .string("0x1")),
                                                                      ("to", .string("0x2")), ("amount", .string("1"))]))
            }
            #expect(erc20?.status == 400)
            #expect(erc20?.message?.contains("supported: Native") == true)
            for amount in ["-1", "1.5", "0", "abc", ""] {
                let error = await apiError { try await client.wallets.transfer(wallet.id, Self.native("0x2", amount)) }
                #expect(error?.status == 400, "amount \(amount)")
            }
            let numeric = await apiError {
                try await client.wallets.transfer(wallet.id, .object([("kind", .string("Native")), ("to", .string("0x2")), ("amount", .number("5"))]))
            }
            #expect(numeric?.status == 400)
            #expect(try await sandbox.count("transfer") == 0)
        }
    }

    @Test func anEndUserTransfersFromTheirDelegatedWalletOnly() async throws {
        try await withSandbox { sandbox in
            let service = try sandbox.serviceAccountClient()
            let alice = try await EndUserFixture.create(in: sandbox)
            let bob = try await EndUserFixture.create(in: sandbox)
            let wallet = try await service.wallets.create(network: "Solana", delegateTo: alice.user.id)
            let outcome = try await alice.client(in: sandbox).wallets.transfer(wallet.id, Self.native("SoLaNaAddr", "5"))
            #expect(outcome.entity["requester"]?["userId"]?.stringValue == alice.user.id)
            let refused = await apiError { try await bob.client(in: sandbox).wallets.transfer(wallet.id, Self.native("x", "5")) }
            #expect(refused?.status == 403)
            #expect(try await sandbox.count("transfer") == 1)
        }
    }
}

import DfnsEncoding
import DfnsProtocol

/// Wallets (reference/dfns-protocol.md §8): create (optionally delegated to an end user), get,
/// list, transfers. Signing goes through the wallet's key (``DfnsAPIClient/keys``).
public struct WalletsAPI: Sendable {
    let client: DfnsAPIClient

    /// `POST /wallets`. `delegateTo` (an end user id) makes the wallet non-custodial: only that
    /// user's credentials can then sign for it. An `externalId` is generated when absent.
    public func create(network: String, name: String? = nil, delegateTo: String? = nil,
                       externalId: String? = nil, tags: [String]? = nil) async throws(DfnsError) -> Wallet {
        var members: [(String, JSONValue)] = [("network", .string(network))]
        if let name { members.append(("name", .string(name))) }
        if let delegateTo { members.append(("delegateTo", .string(delegateTo))) }
        let idempotencyKey: String
        if let externalId { idempotencyKey = externalId } else { idempotencyKey = try ExternalId.generate() }
        members.append(("externalId", .string(idempotencyKey)))
        if let tags { members.append(("tags", .array(tags.map { .string($0) }))) }
        return try await client.send(.post, "/wallets", json: .object(members)).decode(Wallet.self)
    }

    /// `GET /wallets/{walletId}`.
    public func get(_ walletId: String) async throws(DfnsError) -> Wallet {
        try await client.send(.get, "/wallets/" + CanonicalPath.escapeSegment(walletId)).decode(Wallet.self)
    }

    /// `GET /wallets`, every page.
    public func list(limit: Int? = nil) -> PageSequence<Wallet> {
        PageSequence(client: client, path: "/wallets", limit: limit)
    }

    /// `POST /wallets/{walletId}/transfers` with `transfer` (e.g. `{"kind":"Native","to":…,
    /// "amount":…}`); an `externalId` is added when the body has none, so retries are safe. The
    /// answer is the transfer: completed, pending (202 or a non-terminal status) or failed.
    public func transfer(_ walletId: String, _ transfer: JSONValue) async throws(DfnsError) -> Outcome<JSONValue> {
        let body = try transfer.adding("externalId", ifAbsent: .string(try ExternalId.generate()))
        let response = try await client.send(.post, "/wallets/" + CanonicalPath.escapeSegment(walletId) + "/transfers", json: body)
        return try EntityOutcome.of(response)
    }
}

/// Sorting an asynchronous entity's answer into an ``Outcome``.
enum EntityOutcome {
    static func of(_ response: APIResponse) throws(DfnsError) -> Outcome<JSONValue> {
        let entity = try response.json()
        let status = entity["status"]?.stringValue
        let approvalId = entity["approvalId"]?.stringValue
        if response.isPendingApproval { return .pending(entity, approvalId: approvalId) }
        switch status.flatMap(EntityStatus.init(rawValue:)) {
        case .some(let known) where known.isFailure:
            return .failed(entity, status: known.rawValue, reason: entity["reason"]?.stringValue)
        case .some(.pending), .some(.executing):
            return .pending(entity, approvalId: approvalId)
        default:
            return .completed(entity)
        }
    }
}

extension DfnsAPIClient {
    /// The wallet endpoints.
    public var wallets: WalletsAPI { WalletsAPI(client: self) }
}

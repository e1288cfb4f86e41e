import DfnsEncoding
import GRDB

/// Creates keys and wallets, and writes them as the API answers them (reference/dfns-protocol.md
/// §8.2, §15.1). Used by `POST /keys`, `POST /wallets` and end-user registration with wallets.
public enum WalletFactory {
    /// Networks whose wallets sign with Ed25519; every other known network uses secp256k1 ECDSA.
    static let eddsaNetworks: Set<String> = [
        "KeyEdDSA", "Solana", "SolanaDevnet", "Aptos", "AptosTestnet", "Algorand", "AlgorandTestnet",
        "Stellar", "StellarTestnet", "Near", "NearTestnet", "Sui", "SuiTestnet", "Ton", "TonTestnet",
        "Cardano", "CardanoPreprod", "Polkadot", "Westend", "Tezos", "TezosGhostnet", "Iota", "IotaTestnet",
    ]
    /// Networks whose wallets sign with secp256k1 ECDSA.
    static let ecdsaNetworks: Set<String> = [
        "KeyECDSA", "Ethereum", "EthereumSepolia", "EthereumHolesky", "Bitcoin", "BitcoinSignet", "BitcoinTestnet3",
        "Polygon", "PolygonAmoy", "Base", "BaseSepolia", "ArbitrumOne", "ArbitrumSepolia", "Optimism", "OptimismSepolia",
        "Bsc", "BscTestnet", "AvalancheC", "AvalancheCFuji", "Litecoin", "LitecoinTestnet", "Dogecoin", "DogecoinTestnet",
        "Tron", "TronNile", "Cosmos", "Osmosis", "Celo", "CeloAlfajores", "FantomOpera", "Xrpl", "XrplTestnet",
        "Kaspa", "Berachain", "Sonic", "Ink", "Plume", "Hedera", "HederaTestnet",
    ]

    /// The key algorithm of `network`, or a 400 naming it.
    public static func algorithm(forNetwork network: String) throws(SandboxError) -> KeyVault.Algorithm {
        if eddsaNetworks.contains(network) { return .eddsaEd25519 }
        if ecdsaNetworks.contains(network) { return .ecdsaSecp256k1 }
        throw .badRequest("network \(network) is not known to the sandbox")
    }

    /// Inserts a new key.
    public static func createKey(_ db: Database, orgId: String, ownerId: String, algorithm: KeyVault.Algorithm,
                                 name: String?, delegateTo: String?, externalId: String?) throws -> SigningKeyRecord {
        if let delegateTo { try checkDelegate(db, userId: delegateTo, orgId: orgId) }
        let (publicKey, privateKey) = try KeyVault.generate(algorithm)
        let record = SigningKeyRecord(id: Identifiers.make("key"), orgId: orgId, scheme: algorithm.scheme, curve: algorithm.curve,
                                      publicKey: publicKey, privateKey: privateKey, name: name, status: "Active",
                                      ownerId: ownerId, delegatedTo: delegateTo, externalId: externalId,
                                      dateCreated: SandboxClock.iso8601())
        try record.insert(db)
        return record
    }

    /// Inserts a new wallet on `network` over a new key.
    public static func createWallet(_ db: Database, orgId: String, ownerId: String, network: String, name: String?,
                                    delegateTo: String?, externalId: String?, tags: [String]) throws -> (WalletRecord, SigningKeyRecord) {
        let key = try createKey(db, orgId: orgId, ownerId: ownerId, algorithm: try algorithm(forNetwork: network),
                                name: name, delegateTo: delegateTo, externalId: nil)
        let wallet = WalletRecord(id: Identifiers.make("wa"), orgId: orgId, keyId: key.id, network: network, address: nil,
                                  name: name, status: "Active", externalId: externalId,
                                  tags: JSONWriter.string(.array(tags.map { .string($0) })), dateCreated: SandboxClock.iso8601())
        try wallet.insert(db)
        return (wallet, key)
    }

    /// A key can be delegated only to an active end user of the same organization.
    public static func checkDelegate(_ db: Database, userId: String, orgId: String) throws {
        guard let user = try User.fetchOne(db, key: userId), user.orgId == orgId else {
            throw SandboxError.badRequest("delegateTo names no user of this organization: \(userId)")
        }
        guard user.kind == User.endUser else {
            throw SandboxError.badRequest("delegateTo must name an end user; \(userId) is a \(user.kind)")
        }
        guard user.isActive else { throw SandboxError.badRequest("delegateTo names a deactivated user: \(userId)") }
    }

    /// A key as the Keys API answers it.
    public static func keyJSON(_ key: SigningKeyRecord) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(key.id)), ("scheme", .string(key.scheme)), ("curve", .string(key.curve)),
            ("publicKey", .string(key.publicKey)), ("status", .string(key.status)), ("custodial", .bool(key.custodial)),
            ("dateCreated", .string(key.dateCreated)),
        ]
        if let name = key.name { members.append(("name", .string(name))) }
        if let delegatedTo = key.delegatedTo { members.append(("delegatedTo", .string(delegatedTo))) }
        if let externalId = key.externalId { members.append(("externalId", .string(externalId))) }
        return .object(members)
    }

    /// A wallet as the Wallets API answers it.
    public static func walletJSON(_ wallet: WalletRecord, key: SigningKeyRecord) -> JSONValue {
        var signingKey: [(String, JSONValue)] = [
            ("id", .string(key.id)), ("scheme", .string(key.scheme)), ("curve", .string(key.curve)),
            ("publicKey", .string(key.publicKey)),
        ]
        if let delegatedTo = key.delegatedTo { signingKey.append(("delegatedTo", .string(delegatedTo))) }
        let tags = (try? JSONParser().parse(Array(wallet.tags.utf8))) ?? .array([])
        var members: [(String, JSONValue)] = [
            ("id", .string(wallet.id)), ("network", .string(wallet.network)), ("address", .null),
            ("signingKey", .object(signingKey)), ("status", .string(wallet.status)),
            ("dateCreated", .string(wallet.dateCreated)), ("custodial", .bool(key.custodial)), ("tags", tags),
        ]
        if let name = wallet.name { members.append(("name", .string(name))) }
        if let externalId = wallet.externalId { members.append(("externalId", .string(externalId))) }
        return .object(members)
    }
}

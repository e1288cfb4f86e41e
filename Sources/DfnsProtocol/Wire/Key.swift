import DfnsEncoding

/// A key of the Keys API (reference/dfns-protocol.md §15.1). Unknown members are ignored.
public struct Key: Codable, Sendable, Equatable {
    public var id: String
    /// `ECDSA`, `EdDSA`, `Schnorr`.
    public var scheme: String
    /// `secp256k1`, `ed25519`, `stark`.
    public var curve: String
    /// The public key, hex.
    public var publicKey: String
    public var name: String?
    /// `Active` or `Archived`.
    public var status: String?
    public var custodial: Bool?
    /// The end user the key is delegated to, if any.
    public var delegatedTo: String?
    public var dateCreated: String?
    public var externalId: String?

    public init(id: String, scheme: String, curve: String, publicKey: String, name: String? = nil,
                status: String? = nil, custodial: Bool? = nil, delegatedTo: String? = nil,
                dateCreated: String? = nil, externalId: String? = nil) {
        self.id = id
        self.scheme = scheme
        self.curve = curve
        self.publicKey = publicKey
        self.name = name
        self.status = status
        self.custodial = custodial
        self.delegatedTo = delegatedTo
        self.dateCreated = dateCreated
        self.externalId = externalId
    }
}

/// The signing key of a wallet (`wallet.signingKey`).
public struct SigningKey: Codable, Sendable, Equatable {
    public var id: String?
    public var scheme: String
    public var curve: String
    public var publicKey: String
    public var delegatedTo: String?

    public init(id: String?, scheme: String, curve: String, publicKey: String, delegatedTo: String? = nil) {
        self.id = id
        self.scheme = scheme
        self.curve = curve
        self.publicKey = publicKey
        self.delegatedTo = delegatedTo
    }
}

/// A wallet (reference/dfns-protocol.md §8.2).
public struct Wallet: Codable, Sendable, Equatable {
    public var id: String
    public var network: String
    public var address: String?
    public var signingKey: SigningKey
    /// `Active` or `Archived`.
    public var status: String
    public var dateCreated: String?
    public var name: String?
    public var custodial: Bool?
    public var externalId: String?
    public var tags: [String]?

    public init(id: String, network: String, address: String?, signingKey: SigningKey, status: String,
                dateCreated: String? = nil, name: String? = nil, custodial: Bool? = nil,
                externalId: String? = nil, tags: [String]? = nil) {
        self.id = id
        self.network = network
        self.address = address
        self.signingKey = signingKey
        self.status = status
        self.dateCreated = dateCreated
        self.name = name
        self.custodial = custodial
        self.externalId = externalId
        self.tags = tags
    }
}

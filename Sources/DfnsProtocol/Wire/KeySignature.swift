import DfnsEncoding

/// A signature request's state, as `POST /keys/{keyId}/signatures` and `GET …/signatures/{id}`
/// return it (reference/dfns-protocol.md §8.3, §15.1).
public struct KeySignature: Codable, Sendable, Equatable {
    public var id: String
    public var keyId: String
    /// `Pending`, `Executing`, `Signed`, `Confirmed`, `Failed` or `Rejected`.
    public var status: String
    public var reason: String?
    public var signature: SignatureComponents?
    public var signatures: [SignatureComponents]?
    public var signedData: String?
    public var network: String?
    public var approvalId: String?
    public var requestBody: JSONValue?
    public var requester: Requester?
    public var dateRequested: String?
    public var datePolicyResolved: String?
    public var dateSigned: String?
    public var externalId: String?

    public init(id: String, keyId: String, status: String, reason: String? = nil,
                signature: SignatureComponents? = nil, signatures: [SignatureComponents]? = nil,
                signedData: String? = nil, network: String? = nil, approvalId: String? = nil,
                requestBody: JSONValue? = nil, requester: Requester? = nil, dateRequested: String? = nil,
                datePolicyResolved: String? = nil, dateSigned: String? = nil, externalId: String? = nil) {
        self.id = id
        self.keyId = keyId
        self.status = status
        self.reason = reason
        self.signature = signature
        self.signatures = signatures
        self.signedData = signedData
        self.network = network
        self.approvalId = approvalId
        self.requestBody = requestBody
        self.requester = requester
        self.dateRequested = dateRequested
        self.datePolicyResolved = datePolicyResolved
        self.dateSigned = dateSigned
        self.externalId = externalId
    }

    /// The lifecycle state, or nil for a status this library does not know.
    public var lifecycle: EntityStatus? { EntityStatus(rawValue: status) }
}

/// `{r, s, recid?, encoded?}`: `r`, `s` and `encoded` are `0x`-prefixed hex, `recid` 0 or 1.
public struct SignatureComponents: Codable, Sendable, Equatable {
    public var r: String
    public var s: String
    public var recid: Int?
    public var encoded: String?

    public init(r: String, s: String, recid: Int? = nil, encoded: String? = nil) {
        self.r = r
        self.s = s
        self.recid = recid
        self.encoded = encoded
    }
}

/// Who asked for a signature.
public struct Requester: Codable, Sendable, Equatable {
    public var userId: String
    public var tokenId: String?

    public init(userId: String, tokenId: String? = nil) {
        self.userId = userId
        self.tokenId = tokenId
    }
}

/// The statuses of asynchronous entities (signatures, transfers, transactions): which are terminal
/// and which of those are failures, so that a `Failed` or `Rejected` entity is reported as such,
/// never as a generic error, and a `Pending` one is never retried as if it had failed.
public enum EntityStatus: String, Sendable, Equatable, CaseIterable {
    case pending = "Pending"
    case executing = "Executing"
    case signed = "Signed"
    case broadcasted = "Broadcasted"
    case confirmed = "Confirmed"
    case failed = "Failed"
    case rejected = "Rejected"

    /// No further change will happen.
    public var isTerminal: Bool {
        switch self {
        case .confirmed, .failed, .rejected: return true
        case .signed: return true   // for signatures; a transaction goes on to Broadcasted
        case .pending, .executing, .broadcasted: return false
        }
    }

    /// A terminal state in which nothing was produced.
    public var isFailure: Bool { self == .failed || self == .rejected }
}

/// One page of a list endpoint: `{"items":[…],"nextPageToken":…}`; `nextPageToken` is absent (or
/// null) on the last page (reference/dfns-protocol.md §10).
public struct Page<Item: Decodable & Sendable>: Decodable, Sendable {
    public var items: [Item]
    public var nextPageToken: String?

    public init(items: [Item], nextPageToken: String?) {
        self.items = items
        self.nextPageToken = nextPageToken
    }
}

/// The query parameters of a page request.
public struct PageRequest: Sendable, Equatable {
    /// Items per page (the server may cap it).
    public var limit: Int?
    /// The `nextPageToken` of the previous page.
    public var paginationToken: String?

    public init(limit: Int? = nil, paginationToken: String? = nil) {
        self.limit = limit
        self.paginationToken = paginationToken
    }

    /// `limit=…&paginationToken=…` (percent-encoded), or `""` when both are absent.
    public var query: String {
        var parts: [String] = []
        if let limit { parts.append("limit=\(limit)") }
        if let paginationToken { parts.append("paginationToken=" + CanonicalPath.escapeSegment(paginationToken)) }
        return parts.joined(separator: "&")
    }
}

import DfnsProtocol

/// The items of a list endpoint, page after page, as an `AsyncSequence`: each page is fetched when
/// the previous one is used up, with `limit` and `paginationToken` → `nextPageToken`
/// (reference/dfns-protocol.md §10). Iteration ends after the page without a `nextPageToken`; a
/// page that repeats the token it was asked with ends it with an error rather than looping forever.
public struct PageSequence<Item: Decodable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Item
    public typealias Failure = DfnsError

    let client: DfnsAPIClient
    /// The list path without a query, e.g. `/wallets`.
    let path: String
    /// Extra query parameters (already encoded), e.g. `owner=…`.
    let extraQuery: String
    let limit: Int?

    public init(client: DfnsAPIClient, path: String, extraQuery: String = "", limit: Int? = nil) {
        self.client = client
        self.path = path
        self.extraQuery = extraQuery
        self.limit = limit
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(sequence: self)
    }

    /// Fetches the page after `token` (the first page for nil).
    public func page(after token: String?) async throws(DfnsError) -> Page<Item> {
        var query = PageRequest(limit: limit, paginationToken: token).query
        if !extraQuery.isEmpty { query = query.isEmpty ? extraQuery : query + "&" + extraQuery }
        let response = try await client.send(.get, query.isEmpty ? path : path + "?" + query)
        return try response.decode(Page<Item>.self)
    }

    public struct Iterator: AsyncIteratorProtocol {
        public typealias Failure = DfnsError
        let sequence: PageSequence
        var buffer: [Item] = []
        var index = 0
        var nextToken: String?
        var started = false
        var finished = false

        init(sequence: PageSequence) {
            self.sequence = sequence
        }

        public mutating func next() async throws(DfnsError) -> Item? {
            while index >= buffer.count {
                if finished || (started && nextToken == nil) { return nil }
                let asked = nextToken
                let page = try await sequence.page(after: asked)
                started = true
                if let token = page.nextPageToken, token == asked {
                    finished = true
                    throw .invalidResponse(status: 200, message: "the API answered the same nextPageToken again", requestId: nil)
                }
                buffer = page.items
                index = 0
                nextToken = page.nextPageToken
                if page.items.isEmpty && nextToken == nil { return nil }
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}

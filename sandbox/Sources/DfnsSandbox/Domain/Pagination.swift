import DfnsEncoding
import GRDB
import Hummingbird

/// Pagination on every list (reference/dfns-protocol.md §10): query `limit` (1…1000, default 100)
/// and `paginationToken`; answer `{"items":[…], "nextPageToken"?}`. The token is opaque to clients
/// (base64url of the next offset); lists are ordered by insertion (SQLite rowid), so pages are
/// stable while nothing is inserted.
public struct PageRequest: Sendable {
    public var limit: Int
    public var offset: Int

    public static let defaultLimit = 100
    public static let maximumLimit = 1000

    /// Reads `limit` and `paginationToken` from the request's query; malformed values are a 400.
    public init(_ request: Request) throws(SandboxError) {
        let query = request.uri.queryParameters
        limit = PageRequest.defaultLimit
        offset = 0
        if let text = query["limit"].map(String.init) {
            guard let value = Int(text), (1...PageRequest.maximumLimit).contains(value) else {
                throw .badRequest("limit must be an integer from 1 to \(PageRequest.maximumLimit)")
            }
            limit = value
        }
        if let token = query["paginationToken"].map(String.init), !token.isEmpty {
            guard let bytes = try? Base64URL.decode(token), let text = String(validating: bytes, as: UTF8.self),
                  text.hasPrefix("o:"), let value = Int(text.dropFirst(2)), value >= 0 else {
                throw .badRequest("paginationToken is not a token this server issued")
            }
            offset = value
        }
    }

    /// One page of `query` (ordered by rowid) and the token of the next page, if any.
    public func fetch<Record: FetchableRecord & TableRecord>(_ db: Database, _ query: QueryInterfaceRequest<Record>) throws -> (items: [Record], nextPageToken: String?) {
        let rows = try query.order(Column.rowID).limit(limit + 1, offset: offset).fetchAll(db)
        let more = rows.count > limit
        let items = Array(rows.prefix(limit))
        return (items, more ? Base64URL.encode(Array("o:\(offset + limit)".utf8)) : nil)
    }

    /// The list body.
    public static func body(_ items: [JSONValue], nextPageToken: String?) -> JSONValue {
        var members: [(String, JSONValue)] = [("items", .array(items))]
        if let nextPageToken { members.append(("nextPageToken", .string(nextPageToken))) }
        return .object(members)
    }
}

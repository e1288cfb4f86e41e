import DfnsEncoding
import Hummingbird
import Logging
import NIOConcurrencyHelpers

/// The per-request context: the body (read once, bounded), the authenticated principal, and the
/// user action that authorizes this request when the protocol requires one.
public struct SandboxRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request body's exact bytes (empty when there is none).
    public var body: [UInt8] = []
    /// Who the bearer token names, once ``AuthenticationMiddleware`` has run.
    public var principal: Principal?
    /// The verified user action, once ``UserActionMiddleware`` has run.
    public var userAction: UserActionGrant?
    /// The body as ``UserActionMiddleware`` parsed it (signed requests), so it is parsed once.
    public var parsedBody: JSONValue?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The principal, or a 401 (for routes behind the authentication middleware this never fails).
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw SandboxError.notAuthenticated("a bearer token is required") }
        return principal
    }

    /// The body parsed strictly as a JSON object.
    public func jsonBody() throws -> JSONRequestBody {
        if let parsedBody { return try JSONRequestBody(value: parsedBody, bytes: body) }
        return try JSONRequestBody(bytes: body)
    }
}

/// The user, organization and token a bearer token stands for.
public struct Principal: Sendable {
    public let token: Token
    public let user: User
    public var orgId: String { user.orgId }
    public var userId: String { user.id }
    public var isServiceAccount: Bool { user.kind == User.serviceAccount }
}

/// A verified `X-DFNS-USERACTION` token for this request. It is consumed exactly once: inside the
/// transaction that applies the action (``SandboxServices/perform(_:_:)``), or, when the request
/// fails before that, by the middleware afterwards.
public final class UserActionGrant: Sendable {
    public let record: UserActionTokenRecord
    private let consumedFlag = NIOLockedValueBox(false)

    init(record: UserActionTokenRecord) {
        self.record = record
    }

    var consumed: Bool { consumedFlag.withLockedValue { $0 } }
    func markConsumed() { consumedFlag.withLockedValue { $0 = true } }
}

import DfnsEncoding
import DfnsProtocol

/// A signed request split in two (reference/dfns-protocol.md §2.7): ``DfnsAPIClient/delegatedInit(_:_:body:)``
/// asks for the user-action challenge and returns this; the challenge goes to the end user's device,
/// which signs it; ``DfnsAPIClient/delegatedComplete(_:firstFactor:secondFactor:)`` exchanges the
/// signed challenge for a token and sends the request, byte for byte as it was when the challenge
/// was made. It is `Codable`, so a server may store it and complete in another process or hours
/// later (within the challenge's lifetime).
public struct DelegatedRequest: Codable, Sendable, Equatable {
    /// `POST`, `PUT` or `DELETE`.
    public let method: String
    /// The path as it will be sent (relative to the base URL, with its query).
    public let path: String
    /// The exact body text, `""` when there is none.
    public let body: String
    /// The challenge to hand to the device that holds the end user's credential.
    public let challenge: UserActionChallenge

    public init(method: String, path: String, body: String, challenge: UserActionChallenge) {
        self.method = method
        self.path = path
        self.body = body
        self.challenge = challenge
    }
}

extension DfnsAPIClient {
    /// Step one of a delegated signed request: the challenge for `method` `path` with `body`, for
    /// another device to sign. Requests that need no user action are refused (send them directly).
    public func delegatedInit(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil) async throws(DfnsError) -> DelegatedRequest {
        let canonical = try Self.canonicalPath(path)
        _ = try Self.checkedBody(body, method: method)
        guard UserActionRules.requiresUserAction(method: method.rawValue, canonicalPath: canonical) else {
            throw .invalidArgument("\(method) \(canonical) needs no user action: send it directly")
        }
        let challenge = try await userActionChallenge(method: method, canonicalPath: canonical, body: body)
        return DelegatedRequest(method: method.rawValue, path: path, body: String(decoding: body ?? [], as: UTF8.self),
                                challenge: challenge)
    }

    /// Step two: `firstFactor` (and `secondFactor`) signed by the end user's device over
    /// `request.challenge` are exchanged for a user-action token (`POST /auth/action`), and the
    /// request is sent with it, exactly as it was at ``delegatedInit(_:_:body:)``. Nothing is retried.
    /// A signature the request returns is checked as ``checkReturnedSignature(in:method:path:body:)``
    /// says (the delegated path is where an end user's signature comes back).
    public func delegatedComplete(_ request: DelegatedRequest, firstFactor: JSONValue,
                                  secondFactor: JSONValue? = nil) async throws(DfnsError) -> APIResponse {
        guard let method = HTTPMethod(rawValue: request.method) else {
            throw .invalidArgument("unknown method \(request.method.prefix(16))")
        }
        let body: [UInt8]? = request.body.isEmpty ? nil : Array(request.body.utf8)
        let token = try await userActionToken(challengeIdentifier: request.challenge.challengeIdentifier,
                                              firstFactor: firstFactor, secondFactor: secondFactor)
        let response = try await send(method, request.path, body: body, userActionToken: token)
        try await checkReturnedSignature(in: response, method: method, path: request.path, body: body)
        return response
    }
}

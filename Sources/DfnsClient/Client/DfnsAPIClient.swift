import DfnsEncoding
import DfnsProtocol

/// A client of the Dfns API over a pluggable ``Transport``: bearer authentication, automatic
/// user-action signing for every request the protocol says needs one, safe retries, typed errors.
///
/// One client may be used from many tasks at once: it holds no mutable state (the transport must be
/// `Sendable`, and the signer too). Each signed request runs its own challenge / signature / request
/// sequence, and its user-action token is used for that request only.
public struct DfnsAPIClient: Sendable {
    /// Where the API is.
    public let baseURL: BaseURL
    /// How bytes travel.
    public let transport: any Transport
    /// The bearer token (service account, personal access token, login or temporary token).
    public var authToken: String?
    /// Signs user-action challenges; nil for a client that only reads (or only delegates).
    public var signer: (any UserActionSigner)?
    /// When to try a request again.
    public var retryPolicy: RetryPolicy
    /// Whether ``KeysAPI/sign(_:_:key:)`` checks every signature the API returns for a `Hash`
    /// (secp256k1 ECDSA, by public-key recovery) or a `Message` (Ed25519) against the key's public
    /// key before handing it out. On by default.
    public var verifyReturnedSignatures: Bool
    /// The keys fetched for ``verifyReturnedSignatures``, shared by the copies of this client.
    let keyCache = KeyCache()

    public init(baseURL: BaseURL, transport: any Transport, authToken: String? = nil,
                signer: (any UserActionSigner)? = nil, retryPolicy: RetryPolicy = RetryPolicy(),
                verifyReturnedSignatures: Bool = true) {
        self.baseURL = baseURL
        self.transport = transport
        self.authToken = authToken
        self.signer = signer
        self.retryPolicy = retryPolicy
        self.verifyReturnedSignatures = verifyReturnedSignatures
    }

    /// A copy of this client with another bearer token (a temporary registration token, or the
    /// end user's token from a delegated login).
    public func withAuthToken(_ token: String?) -> DfnsAPIClient {
        var copy = self
        copy.authToken = token
        return copy
    }

    // MARK: - Requests

    /// Sends `method` `path` (relative to the base URL, starting with `/`, with its query if any)
    /// with `body` sent byte for byte, and returns the 2xx answer. When the protocol says the request
    /// needs a user action, it is signed first with ``signer`` (``DfnsError/signerRequired(method:path:)``
    /// without one). A 4xx/5xx answer throws ``DfnsError/api(_:)``.
    ///
    /// `body`, when present, must be JSON (it is parsed strictly first, so that a signed payload is
    /// always the JSON text that is sent).
    public func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil) async throws(DfnsError) -> APIResponse {
        try await send(method, path, body: body, document: Self.checkedBody(body, method: method))
    }

    /// ``send(_:_:body:)`` with a JSON document, written compactly once (``JSONWriter``).
    public func send(_ method: HTTPMethod, _ path: String, json: JSONValue) async throws(DfnsError) -> APIResponse {
        // Written here, so it is JSON: no need to parse it back.
        guard method.permitsRequestBody else { throw .invalidArgument("a \(method) request carries no body") }
        return try await send(method, path, body: JSONWriter.bytes(json), document: json)
    }

    /// The request of ``send(_:_:body:)``, with `document` the body already known to be JSON.
    private func send(_ method: HTTPMethod, _ path: String, body: [UInt8]?, document bodyDocument: JSONValue?) async throws(DfnsError) -> APIResponse {
        let canonical = try Self.canonicalPath(path)
        if UserActionRules.requiresUserAction(method: method.rawValue, canonicalPath: canonical) {
            guard let signer else { throw .signerRequired(method: method.rawValue, path: canonical) }
            // A write that carries an externalId can be repeated: the server answers a repeat with
            // the entity it already made. Each attempt gets a fresh user action.
            let repeatable = bodyDocument?["externalId"]?.stringValue != nil
            var attempt = 0
            while true {
                attempt += 1
                let signature = try await signUserAction(method: method, canonicalPath: canonical, body: body, signer: signer)
                do {
                    return try await exchange(method, path, body: body, userAction: signature.token)
                } catch {
                    guard repeatable, attempt < retryPolicy.maxAttempts, let wait = retryDelay(after: error, attempt: attempt) else {
                        throw error
                    }
                    try await Self.sleep(seconds: wait)
                }
            }
        }
        return try await sendWithRetries(method, path, canonicalPath: canonical, body: body)
    }

    /// ``send(_:_:body:)`` with an `Encodable` body, encoded once (sorted keys, compact).
    public func send<Body: Encodable>(_ method: HTTPMethod, _ path: String, encoding value: Body) async throws(DfnsError) -> APIResponse {
        let bytes: [UInt8]
        do {
            bytes = try WireCoding.encode(value)
        } catch {
            throw .invalidArgument("the body cannot be encoded: \(error)")
        }
        return try await send(method, path, body: bytes)
    }

    // MARK: - User actions

    /// The user-action challenge for `method` `canonicalPath` with `body` (`POST /auth/action/init`).
    public func userActionChallenge(method: HTTPMethod, canonicalPath: String, body: [UInt8]?) async throws(DfnsError) -> UserActionChallenge {
        let request = UserActionChallengeRequest(payload: String(decoding: body ?? [], as: UTF8.self),
                                                 method: method.rawValue, path: canonicalPath)
        let bytes: [UInt8]
        do {
            bytes = try WireCoding.encode(request)
        } catch {
            throw .invalidArgument("the challenge request cannot be encoded: \(error)")
        }
        let response = try await sendWithRetries(.post, "/auth/action/init", canonicalPath: "/auth/action/init", body: bytes)
        return try response.decode(UserActionChallenge.self)
    }

    /// Exchanges signed factors for a single-use user-action token (`POST /auth/action`). Never
    /// retried: a challenge is single use too.
    public func userActionToken(challengeIdentifier: String, firstFactor: JSONValue, secondFactor: JSONValue? = nil) async throws(DfnsError) -> String {
        let request = UserActionSignatureRequest(challengeIdentifier: challengeIdentifier, firstFactor: firstFactor,
                                                 secondFactor: secondFactor)
        let response = try await exchange(.post, "/auth/action", body: JSONWriter.bytes(request.jsonValue), userAction: nil)
        return try response.decode(UserActionToken.self).userAction
    }

    /// Sends a request with a user-action token obtained elsewhere (a delegated completion). Not
    /// retried: the token is single use.
    public func send(_ method: HTTPMethod, _ path: String, body: [UInt8]?, userActionToken: String) async throws(DfnsError) -> APIResponse {
        _ = try Self.canonicalPath(path)
        _ = try Self.checkedBody(body, method: method)
        return try await exchange(method, path, body: body, userAction: userActionToken)
    }

    private func signUserAction(method: HTTPMethod, canonicalPath: String, body: [UInt8]?,
                                signer: any UserActionSigner) async throws(DfnsError) -> (challenge: UserActionChallenge, token: String) {
        let challenge = try await userActionChallenge(method: method, canonicalPath: canonicalPath, body: body)
        let firstFactor = try await Self.sign(challenge, with: signer)
        let token = try await userActionToken(challengeIdentifier: challenge.challengeIdentifier, firstFactor: firstFactor)
        return (challenge, token)
    }

    /// `signer`'s first factor for `challenge`; its errors become ``DfnsError/signer(_:)``.
    static func sign(_ challenge: UserActionChallenge, with signer: any UserActionSigner) async throws(DfnsError) -> JSONValue {
        do {
            return try await signer.sign(challenge)
        } catch let error as DfnsError {
            throw error
        } catch {
            throw .signer(String(describing: error))
        }
    }

    // MARK: - The exchange

    /// One request without a user action, retried when safe (``RetryPolicy``).
    private func sendWithRetries(_ method: HTTPMethod, _ path: String, canonicalPath: String, body: [UInt8]?) async throws(DfnsError) -> APIResponse {
        let safe = UserActionRules.isSafeToRetry(method: method.rawValue, canonicalPath: canonicalPath)
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await exchange(method, path, body: body, userAction: nil)
            } catch {
                guard safe, attempt < retryPolicy.maxAttempts, let wait = retryDelay(after: error, attempt: attempt) else {
                    throw error
                }
                try await Self.sleep(seconds: wait)
            }
        }
    }

    /// The wait before another attempt after `error`, or nil when `error` is not worth retrying.
    private func retryDelay(after error: DfnsError, attempt: Int) -> Double? {
        switch error {
        case .api(let api) where RetryPolicy.isRetryable(status: api.status):
            return retryPolicy.delay(afterAttempt: attempt, retryAfter: api.retryAfter)
        case .transport(let transport) where RetryPolicy.isRetryable(transport):
            return retryPolicy.delay(afterAttempt: attempt, retryAfter: nil)
        default:
            return nil
        }
    }

    /// Sends exactly one HTTP request and sorts the answer into success or ``DfnsError``.
    private func exchange(_ method: HTTPMethod, _ path: String, body: [UInt8]?, userAction: String?) async throws(DfnsError) -> APIResponse {
        var headers = HTTPHeaders()
        if let authToken { headers.set(name: DfnsHeaders.authorization, value: "Bearer " + authToken) }
        if body != nil { headers.set(name: DfnsHeaders.contentType, value: "application/json") }
        if let userAction { headers.set(name: DfnsHeaders.userAction, value: userAction) }
        let request = HTTPRequest(method: method, url: baseURL.url(for: path), headers: headers, body: body)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw .transport(error)
        }
        guard (200...299).contains(response.status) else {
            if (100...199).contains(response.status) || (300...399).contains(response.status) {
                throw .invalidResponse(status: response.status, message: "unexpected status \(response.status)",
                                       requestId: response.headers[DfnsHeaders.requestId])
            }
            throw .api(APIError(response: response))
        }
        return APIResponse(status: response.status, headers: response.headers, body: response.body)
    }

    // MARK: - Checks

    static func canonicalPath(_ path: String) throws(DfnsError) -> String {
        guard !path.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" || $0 == "\t" }),
              let canonical = CanonicalPath.of(path) else {
            throw .invalidArgument("the path must start with / and contain no whitespace: \(path.prefix(200))")
        }
        return canonical
    }

    static func checkedBody(_ body: [UInt8]?, method: HTTPMethod) throws(DfnsError) -> JSONValue? {
        guard let body else { return nil }
        guard method.permitsRequestBody else { throw .invalidArgument("a \(method) request carries no body") }
        do {
            return try JSONParser().parse(body)
        } catch {
            throw .invalidArgument("the body must be JSON: \(error)")
        }
    }

    static func sleep(seconds: Double) async throws(DfnsError) {
        guard seconds > 0 else { return }
        do {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        } catch {
            throw .transport(TransportError(.cancelled, "cancelled while waiting to retry"))
        }
    }
}

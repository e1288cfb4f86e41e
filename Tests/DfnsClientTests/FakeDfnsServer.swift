import DfnsClient
import DfnsCrypto
import DfnsEncoding
import DfnsLocking
import DfnsProtocol
import DfnsTestHTTPServer

/// A scripted Dfns API on loopback for the client tests: it issues user-action challenges, checks
/// the Key assertion of `POST /auth/action` against the test credential's public key and the
/// challenge it issued, hands out single-use tokens bound to the method, path and payload of the
/// challenge, and answers the real request through `route`, refusing it (403) unless its
/// `X-DFNS-USERACTION` token matches. Every request is recorded by the underlying server.
final class FakeDfnsServer: Sendable {
    /// The credential the client signs with (P-256, ES256 over the clientData bytes).
    let credentialId = "test-cred-1"
    let key: PrivateKey
    let server: TestHTTPServer
    /// The path prefix the server lives under (a gateway deployment), e.g. `/gw`.
    let prefix: String

    private struct Issued {
        let challenge: String
        let request: UserActionChallengeRequest
    }

    private struct State {
        var issued: [String: Issued] = [:]          // challengeIdentifier -> challenge
        var tokens: [String: UserActionChallengeRequest] = [:]   // unused tokens
        var counter = 0
        var failures: [String] = []
    }

    private let state = Locked(State())

    /// What the API answers to a request that passed the user-action check (or needed none).
    typealias Route = @Sendable (RecordedRequest, _ canonicalPath: String) -> ResponseAction

    init(prefix: String = "", route: @escaping Route) throws {
        let key = try PrivateKey.generate(.ec(.p256))
        self.key = key
        self.prefix = prefix
        // The script holds the handler, never this object: the test holds the only reference to it,
        // so `deinit` (which stops the server and joins its threads) runs on the test's thread.
        let handler = Handler(key: key, credentialId: credentialId, prefix: prefix, state: state, route: route)
        server = try TestHTTPServer { request in handler.handle(request) }
    }

    deinit { server.stop() }

    var baseURL: String { server.baseURL + prefix }

    /// The library's own Key signer over this server's credential (P-256, ES256 DER), as a device
    /// or a service account would hold it.
    func keySigner() throws -> KeySigner {
        KeySigner(credential: try KeyCredential(privateKey: key, credentialId: credentialId))
    }

    /// Problems the server saw (an assertion that did not verify, a token reused, ...).
    var failures: [String] { state.withLock { $0.failures } }

    /// The recorded requests whose path (without the prefix) is `path`.
    func requests(_ method: String, _ path: String) -> [RecordedRequest] {
        server.requests.filter { $0.method == method && $0.path == prefix + path }
    }

    /// What runs on the server's threads: the challenge and token bookkeeping and the routes.
    private final class Handler: Sendable {
        let key: PrivateKey
        let credentialId: String
        let prefix: String
        let state: Locked<State>
        let route: Route

        init(key: PrivateKey, credentialId: String, prefix: String, state: Locked<State>, route: @escaping Route) {
            self.key = key
            self.credentialId = credentialId
            self.prefix = prefix
            self.state = state
            self.route = route
        }

        private func fail(_ message: String, status: Int = 401) -> ResponseAction {
            state.withLock { $0.failures.append(message) }
            let body = JSONWriter.string(APIErrorBody.envelope(status: status, errorId: "E\(status)", message: message))
            return .json(status: status, body)
        }

        func handle(_ request: RecordedRequest) -> ResponseAction {
            guard request.path.hasPrefix(prefix), let canonical = CanonicalPath.of(request.path, removingPrefix: prefix) else {
                return fail("outside the prefix: \(request.path)", status: 404)
            }
            switch (request.method, canonical) {
            case ("POST", "/auth/action/init"):
                guard let init_ = try? JSONDecoderShim.decode(UserActionChallengeRequest.self, request.body) else {
                    return fail("bad init body", status: 400)
                }
                let (identifier, challenge) = state.withLock { s -> (String, String) in
                    s.counter += 1
                    let identifier = "chid-\(s.counter)"
                    let challenge = Base64URL.encode(Array("ch-\(s.counter)-challenge".utf8))
                    s.issued[identifier] = Issued(challenge: challenge, request: init_)
                    return (identifier, challenge)
                }
                let answer = UserActionChallenge(challenge: challenge, challengeIdentifier: identifier, userVerification: "required",
                                                 supportedCredentialKinds: [SupportedCredentialKind(kind: "Key", factor: "first")],
                                                 allowCredentials: AllowCredentials(key: [CredentialDescriptor(id: credentialId)], webauthn: []))
                return .json(JSONEncoderShim.string(answer))
            case ("POST", "/auth/action"):
                guard let body = try? JSONParser().parse(request.body),
                      let identifier = body["challengeIdentifier"]?.stringValue,
                      let assertion = body["firstFactor"]?["credentialAssertion"],
                      body["firstFactor"]?["kind"]?.stringValue == "Key",
                      assertion["credId"]?.stringValue == credentialId,
                      let clientDataText = assertion["clientData"]?.stringValue,
                      let signatureText = assertion["signature"]?.stringValue,
                      let clientData = try? Base64URL.decode(clientDataText),
                      let signature = try? Base64URL.decode(signatureText) else {
                    return fail("malformed user action signature", status: 400)
                }
                guard let issued = state.withLock({ $0.issued.removeValue(forKey: identifier) }) else {
                    return fail("unknown or used challenge \(identifier)")
                }
                guard let parsed = try? JSONParser().parse(clientData), parsed["type"]?.stringValue == "key.get",
                      parsed["challenge"]?.stringValue == issued.challenge else {
                    return fail("clientData does not carry the issued challenge")
                }
                do {
                    try key.publicKey.verify(signature: signature, message: clientData, algorithm: .es256)
                } catch {
                    return fail("assertion signature: \(error)")
                }
                let token = state.withLock { s -> String in
                    s.counter += 1
                    let token = "ua-token-\(s.counter)"
                    s.tokens[token] = issued.request
                    return token
                }
                return .json(JSONEncoderShim.string(UserActionToken(userAction: token)))
            default:
                let needs = UserActionRules.requiresUserAction(method: request.method, canonicalPath: canonical)
                if needs {
                    guard let token = request.headers[DfnsHeaders.userAction] else {
                        return fail("missing user action", status: 403)
                    }
                    guard let bound = state.withLock({ $0.tokens.removeValue(forKey: token) }) else {
                        return fail("user action token unknown or already used", status: 403)
                    }
                    guard bound.userActionHttpMethod == request.method, bound.userActionHttpPath == canonical,
                          Array(bound.userActionPayload.utf8) == request.body else {
                        return fail("user action bound to \(bound.userActionHttpMethod) \(bound.userActionHttpPath), not this request", status: 403)
                    }
                }
                return route(request, canonical)
            }
        }
    }
}

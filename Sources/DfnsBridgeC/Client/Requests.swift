import CDfnsBridgeAPI
import DfnsClient
import DfnsEncoding
import DfnsProtocol

// dfns_client_request and the delegated pair (include/dfns_bridge.h, "Dfns API client").

/// The request every request entry point names: method, path and optional JSON body, read and checked.
struct RequestArguments {
    /// The largest request body or challenge document accepted.
    static let maxBodyLength = 16 << 20

    let method: HTTPMethod
    let path: String
    /// The body's bytes as given (the client parses them strictly before sending them unchanged).
    let body: [UInt8]?

    init(method: UnsafePointer<CChar>?, path: UnsafePointer<CChar>?, body: UnsafePointer<CChar>?) throws(BridgeError) {
        let text = try Arguments.string(method, "method")
        guard let method = HTTPMethod(rawValue: text) else {
            throw .argument("method \"\(text.prefix(16))\" is not GET, POST, PUT, DELETE, PATCH or HEAD")
        }
        self.method = method
        self.path = try Arguments.string(path, "path")
        self.body = try Arguments.text(body, "body_json", limit: Self.maxBodyLength)
    }
}

/// The outcome of one blocking client call, with the recorder that explains its failure.
struct ClientCall<T> {
    let result: Result<T, DfnsError>
    let recorder: CallRecorder

    /// The value, or the failure as a status (see ``BridgeError/init(_:recorded:)``).
    func get() throws(BridgeError) -> T {
        switch result {
        case .success(let value): return value
        case .failure(let error): throw BridgeError(error, recorded: recorder)
        }
    }
}

extension ClientBox {
    /// Runs `body` to completion on the calling thread with the client as it is now (token and
    /// signer of this moment), recording what its transport and signer report.
    func call<T>(_ body: @escaping @Sendable (DfnsAPIClient) async throws(DfnsError) -> T) -> ClientCall<T> {
        let api = snapshot()
        let recorder = CallRecorder()
        let result = BlockingCall.run(recorder: recorder) { () async throws(DfnsError) -> T in try await body(api) }
        return ClientCall(result: result, recorder: recorder)
    }
}

/// Hands the outcome of a request to the caller: a result for a 2xx answer, a result *and*
/// DFNS_ERR_API for a 4xx/5xx answer, the mapped status otherwise.
private func deliver(_ call: ClientCall<APIResponse>, to out: UnsafeMutablePointer<OpaquePointer?>) throws(BridgeError) {
    if case .failure(.api(let error)) = call.result {
        out.pointee = Handle.retained(try ResultBox(error))
        throw BridgeError(DFNS_ERR_API, error.description)
    }
    out.pointee = Handle.retained(try ResultBox(try call.get()))
}

@c @implementation
public func dfns_client_request(_ client: OpaquePointer?, _ method: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ body_json: UnsafePointer<CChar>?, _ result: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    result?.pointee = nil
    return guarded("dfns_client_request") { () throws(BridgeError) in
        let out = try Arguments.output(result, "result")
        let box = try Handle.borrow(client, as: ClientBox.self, name: "client")
        let request = try RequestArguments(method: method, path: path, body: body_json)
        let call = box.call { (api) async throws(DfnsError) -> APIResponse in
            let response = try await api.send(request.method, request.path, body: request.body)
            try await api.checkReturnedSignature(in: response, method: request.method, path: request.path, body: request.body)
            return response
        }
        try deliver(call, to: out)
    }
}

/// dfns_client_delegated_init and its variant with a result: the challenge JSON handed over, or, for
/// a 4xx/5xx answer to the challenge request, DFNS_ERR_API with that answer in `errorResult` when
/// the caller asked for it.
private func delegatedInit(_ function: StaticString, _ client: OpaquePointer?, _ method: UnsafePointer<CChar>?,
                           _ path: UnsafePointer<CChar>?, _ body_json: UnsafePointer<CChar>?,
                           _ challenge_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                           errorResult: UnsafeMutablePointer<OpaquePointer?>?, wantsResult: Bool) -> Int32 {
    challenge_json?.pointee = nil
    errorResult?.pointee = nil
    return guarded(function) { () throws(BridgeError) in
        let out = try Arguments.output(challenge_json, "challenge_json")
        let resultOut: UnsafeMutablePointer<OpaquePointer?>? = wantsResult ? try Arguments.output(errorResult, "result") : nil
        let box = try Handle.borrow(client, as: ClientBox.self, name: "client")
        let request = try RequestArguments(method: method, path: path, body: body_json)
        let call = box.call { (api) async throws(DfnsError) -> DelegatedRequest in
            try await api.delegatedInit(request.method, request.path, body: request.body)
        }
        if let resultOut, case .failure(.api(let error)) = call.result {
            resultOut.pointee = Handle.retained(try ResultBox(error))
            throw BridgeError(DFNS_ERR_API, error.description)
        }
        let delegated = try call.get()
        let encoded: [UInt8]
        do {
            encoded = try WireCoding.encode(delegated)
        } catch {
            throw BridgeError(DFNS_ERR_INTERNAL, "the delegated request cannot be encoded: \(error)")
        }
        out.pointee = try CString.handOver(String(decoding: encoded, as: UTF8.self), "the challenge JSON")
    }
}

@c @implementation
public func dfns_client_delegated_init(_ client: OpaquePointer?, _ method: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ body_json: UnsafePointer<CChar>?, _ challenge_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    delegatedInit("dfns_client_delegated_init", client, method, path, body_json, challenge_json,
                  errorResult: nil, wantsResult: false)
}

@c @implementation
public func dfns_client_delegated_init_with_result(_ client: OpaquePointer?, _ method: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ body_json: UnsafePointer<CChar>?, _ challenge_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ result: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    delegatedInit("dfns_client_delegated_init_with_result", client, method, path, body_json, challenge_json,
                  errorResult: result, wantsResult: true)
}

@c @implementation
public func dfns_client_delegated_complete(_ client: OpaquePointer?, _ challenge_json: UnsafePointer<CChar>?, _ signed_first_factor_json: UnsafePointer<CChar>?, _ result: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    result?.pointee = nil
    return guarded("dfns_client_delegated_complete") { () throws(BridgeError) in
        let out = try Arguments.output(result, "result")
        let box = try Handle.borrow(client, as: ClientBox.self, name: "client")
        let challenge = try Arguments.jsonObject(challenge_json, "challenge_json", limit: RequestArguments.maxBodyLength)
        let request: DelegatedRequest
        do {
            request = try WireCoding.decode(DelegatedRequest.self, from: challenge.bytes)
        } catch {
            throw .argument("challenge_json is not what dfns_client_delegated_init returned (method, path, body, challenge)")
        }
        let firstFactor = try Arguments.jsonObject(signed_first_factor_json, "signed_first_factor_json",
                                                   limit: RequestArguments.maxBodyLength).value
        let call = box.call { (api) async throws(DfnsError) -> APIResponse in
            try await api.delegatedComplete(request, firstFactor: firstFactor)
        }
        try deliver(call, to: out)
    }
}

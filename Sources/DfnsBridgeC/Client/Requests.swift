#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CDfnsBridgeAPI
import DfnsClient
import DfnsEncoding
import DfnsProtocol

// dfns_client_request and the delegated pair (include/dfns_bridge.h, "Dfns API client").

enum RequestArguments {
    /// The largest request body or challenge document accepted.
    static let maxBodyLength = 16 << 20

    static func method(_ pointer: UnsafePointer<CChar>?) throws(BridgeError) -> HTTPMethod {
        let text = try Arguments.string(pointer, "method")
        guard let method = HTTPMethod(rawValue: text) else {
            throw .argument("method \"\(text.prefix(16))\" is not GET, POST, PUT, DELETE, PATCH or HEAD")
        }
        return method
    }

    /// A long NUL-terminated UTF-8 text (a body, a challenge document), or nil for NULL.
    static func text(_ pointer: UnsafePointer<CChar>?, _ name: String) throws(BridgeError) -> String? {
        guard let pointer else { return nil }
        let length = strnlen(pointer, maxBodyLength + 1)
        guard length <= maxBodyLength else {
            throw BridgeError(DFNS_ERR_INPUT_TOO_LARGE, "\(name) is longer than \(maxBodyLength) bytes")
        }
        guard let text = String(validating: UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: length),
                                as: UTF8.self) else {
            throw .argument("\(name) is not valid UTF-8")
        }
        return text
    }

    /// A JSON document argument, parsed strictly.
    static func json(_ pointer: UnsafePointer<CChar>?, _ name: String) throws(BridgeError) -> (text: String, value: JSONValue) {
        guard let text = try text(pointer, name) else { throw .argument("\(name) is NULL") }
        var parser = JSONParser()
        parser.maxLength = maxBodyLength
        do {
            return (text, try parser.parse(Array(text.utf8)))
        } catch {
            throw .argument("\(name) is not JSON: \(error.description)")
        }
    }
}

/// Hands the outcome of a request to the caller: a result for a 2xx answer, a result *and*
/// DFNS_ERR_API for a 4xx/5xx answer, the mapped status otherwise.
private func deliver(_ outcome: Result<APIResponse, DfnsError>, recorder: CallRecorder,
                     to out: UnsafeMutablePointer<OpaquePointer?>) throws(BridgeError) {
    switch outcome {
    case .success(let response):
        out.pointee = Handle.retained(try ResultBox(response))
    case .failure(.api(let error)):
        out.pointee = Handle.retained(try ResultBox(error))
        throw BridgeError(DFNS_ERR_API, error.description)
    case .failure(let error):
        throw BridgeError(error, recorded: recorder)
    }
}

@c @implementation
public func dfns_client_request(_ client: OpaquePointer?, _ method: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ body_json: UnsafePointer<CChar>?, _ result: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    result?.pointee = nil
    return guarded("dfns_client_request") { () throws(BridgeError) in
        let out = try Arguments.output(result, "result")
        let box = try Handle.borrow(client, as: ClientBox.self, name: "client")
        let method = try RequestArguments.method(method)
        let path = try Arguments.string(path, "path")
        let body = try RequestArguments.text(body_json, "body_json").map { Array($0.utf8) }
        let api = box.snapshot()
        let recorder = CallRecorder()
        let outcome = BlockingCall.run(recorder: recorder) { () async throws(DfnsError) -> APIResponse in
            let response = try await api.send(method, path, body: body)
            try await ReturnedSignatures.check(response, method: method, path: path, body: body, client: api, box: box)
            return response
        }
        try deliver(outcome, recorder: recorder, to: out)
    }
}

@c @implementation
public func dfns_client_delegated_init(_ client: OpaquePointer?, _ method: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ body_json: UnsafePointer<CChar>?, _ challenge_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    challenge_json?.pointee = nil
    return guarded("dfns_client_delegated_init") { () throws(BridgeError) in
        let out = try Arguments.output(challenge_json, "challenge_json")
        let box = try Handle.borrow(client, as: ClientBox.self, name: "client")
        let method = try RequestArguments.method(method)
        let path = try Arguments.string(path, "path")
        let body = try RequestArguments.text(body_json, "body_json").map { Array($0.utf8) }
        let api = box.snapshot()
        let recorder = CallRecorder()
        let outcome = BlockingCall.run(recorder: recorder) { () async throws(DfnsError) -> DelegatedRequest in
            try await api.delegatedInit(method, path, body: body)
        }
        let request: DelegatedRequest
        switch outcome {
        case .success(let value): request = value
        case .failure(let error): throw BridgeError(error, recorded: recorder)
        }
        let encoded: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoded = Array(try encoder.encode(request))
        } catch {
            throw BridgeError(DFNS_ERR_INTERNAL, "the delegated request cannot be encoded: \(error)")
        }
        guard let copy = CString.duplicate(String(decoding: encoded, as: UTF8.self)) else {
            throw .outOfMemory("the challenge JSON")
        }
        out.pointee = copy
    }
}

@c @implementation
public func dfns_client_delegated_complete(_ client: OpaquePointer?, _ challenge_json: UnsafePointer<CChar>?, _ signed_first_factor_json: UnsafePointer<CChar>?, _ result: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    result?.pointee = nil
    return guarded("dfns_client_delegated_complete") { () throws(BridgeError) in
        let out = try Arguments.output(result, "result")
        let box = try Handle.borrow(client, as: ClientBox.self, name: "client")
        let challenge = try RequestArguments.json(challenge_json, "challenge_json")
        guard case .object = challenge.value else { throw .argument("challenge_json is a JSON \(challenge.value.typeName), not an object") }
        let request: DelegatedRequest
        do {
            request = try JSONDecoder().decode(DelegatedRequest.self, from: Data(challenge.text.utf8))
        } catch {
            throw .argument("challenge_json is not what dfns_client_delegated_init returned (method, path, body, challenge)")
        }
        let firstFactor = try RequestArguments.json(signed_first_factor_json, "signed_first_factor_json").value
        guard case .object = firstFactor else {
            throw .argument("signed_first_factor_json is a JSON \(firstFactor.typeName), not an object")
        }
        let api = box.snapshot()
        let recorder = CallRecorder()
        let outcome = BlockingCall.run(recorder: recorder) { () async throws(DfnsError) -> APIResponse in
            let response = try await api.delegatedComplete(request, firstFactor: firstFactor)
            // The delegated path is where an end user's signature comes back: checked like
            // dfns_client_request's (verify_returned_signatures).
            if let method = HTTPMethod(rawValue: request.method) {
                try await ReturnedSignatures.check(response, method: method, path: request.path, body: Array(request.body.utf8),
                                                   client: api, box: box)
            }
            return response
        }
        try deliver(outcome, recorder: recorder, to: out)
    }
}

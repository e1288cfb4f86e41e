// libFuzzer target: whatever a malicious or broken server answers must be refused with an error,
// never crash the host. The first byte picks the HTTP status; the rest is the body, read as every
// client does: the error envelope, each wire type the endpoints decode, the outcome of an
// asynchronous entity, a stored delegated request, and JSON equivalence against itself.
import DfnsClient
import DfnsEncoding
import DfnsProtocol

private let statuses = [200, 201, 202, 204, 400, 401, 403, 404, 409, 429, 500, 503]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAPIResponse(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let status = statuses[Int(bytes[0]) % statuses.count]
    let body = Array(bytes.dropFirst())
    let errorBody = APIErrorBody(parsing: body)
    _ = errorBody.message?.utf8.count
    let response = APIResponse(status: status, headers: ["X-Request-ID": "fuzz"], body: body)
    _ = try? response.decode(Wallet.self)
    _ = try? response.decode(Key.self)
    _ = try? response.decode(KeySignature.self).lifecycle
    _ = try? response.decode(UserActionChallenge.self).allowedKeyCredentialIds
    _ = try? response.decode(UserActionToken.self)
    _ = try? response.decode(Page<JSONValue>.self)
    _ = try? response.decode(DelegatedRequest.self)
    if let json = try? response.json() {
        _ = json.isEquivalent(to: json)
        _ = JSONWriter.bytes(json).count
    }
    return 0
}

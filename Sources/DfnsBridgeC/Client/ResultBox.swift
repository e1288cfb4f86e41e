import CDfnsBridgeAPI
import DfnsClient
import DfnsEncoding
import DfnsProtocol

/// The object behind a `dfns_result_t *`: one answer of the API, immutable.
final class ResultBox: HandleBox {
    override class var typeName: String { "dfns_result_t" }

    let httpStatus: Int32
    /// The body (``CBuffer`` puts a NUL after it).
    let body: CBuffer
    let outcome: dfns_outcome
    let errorId: CString?
    let requestId: CString?
    let approvalId: CString?
    /// The answer's header fields, in the order received, with C copies of their names and values.
    let headers: [(field: HTTPHeaders.Field, name: CString, value: CString)]

    private init(status: Int, headers: HTTPHeaders, body bytes: [UInt8], outcome: dfns_outcome, errorId: String?,
                 requestId: String?, approvalId: String?) throws(BridgeError) {
        httpStatus = Int32(clamping: status)
        self.headers = try headers.fields.map { (field) throws(BridgeError) in
            (field, try CString(field.name), try CString(field.value))
        }
        body = try CBuffer(bytes)
        self.outcome = outcome
        self.errorId = try errorId.map { (text) throws(BridgeError) in try CString(text) }
        self.requestId = try requestId.map { (text) throws(BridgeError) in try CString(text) }
        self.approvalId = try approvalId.map { (text) throws(BridgeError) in try CString(text) }
    }

    /// A 2xx answer: done, pending (202, or an entity still `Pending`/`Executing`) or failed (an
    /// entity `Failed`/`Rejected`).
    convenience init(_ response: APIResponse) throws(BridgeError) {
        let document = try? JSONParser().parse(response.body)
        let approvalId = document?["approvalId"]?.stringValue
        var outcome = DFNS_OUTCOME_DONE
        if response.isPendingApproval {
            outcome = DFNS_OUTCOME_PENDING
        } else if let text = document?["status"]?.stringValue, let status = EntityStatus(rawValue: text) {
            if status.isFailure {
                outcome = DFNS_OUTCOME_FAILED
            } else if status == .pending || status == .executing {
                outcome = DFNS_OUTCOME_PENDING
            }
        }
        try self.init(status: response.status, headers: response.headers, body: response.body, outcome: outcome, errorId: nil,
                      requestId: response.requestId, approvalId: approvalId)
    }

    /// A 4xx/5xx answer.
    convenience init(_ error: APIError) throws(BridgeError) {
        try self.init(status: error.status, headers: error.headers, body: error.body, outcome: DFNS_OUTCOME_FAILED,
                      errorId: error.errorId,
                      requestId: error.requestId, approvalId: nil)
    }
}

/// The result behind argument `result`.
private func resultBox(_ result: OpaquePointer?) throws(BridgeError) -> ResultBox {
    try Handle.borrow(result, as: ResultBox.self, name: "result")
}

/// A borrowed optional string of a result: DFNS_ERR_NOT_FOUND (and NULL) when absent.
private func optionalString(_ function: StaticString, _ result: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                            _ what: String, _ field: KeyPath<ResultBox, CString?>) -> Int32 {
    borrowedString(function, out) { () throws(BridgeError) -> CString in
        guard let string = try resultBox(result)[keyPath: field] else {
            throw BridgeError(DFNS_ERR_NOT_FOUND, "the result has no \(what)")
        }
        return string
    }
}

@c @implementation
public func dfns_result_free(_ result: UnsafeMutablePointer<OpaquePointer?>?) {
    Handle.release(result, as: ResultBox.self)
}

@c @implementation
public func dfns_result_http_status(_ result: OpaquePointer?, _ http_status: UnsafeMutablePointer<Int32>?) -> Int32 {
    scalar("dfns_result_http_status", http_status, zero: 0) { () throws(BridgeError) in try resultBox(result).httpStatus }
}

@c @implementation
public func dfns_result_body(_ result: OpaquePointer?, _ body: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ body_len: UnsafeMutablePointer<Int>?) -> Int32 {
    body?.pointee = nil
    body_len?.pointee = 0
    return guarded("dfns_result_body") { () throws(BridgeError) in
        let out = try Arguments.output(body, "body")
        let length = try Arguments.output(body_len, "body_len")
        let buffer = try resultBox(result).body
        out.pointee = UnsafeRawPointer(buffer.pointer).assumingMemoryBound(to: CChar.self)
        length.pointee = buffer.count
    }
}

@c @implementation
public func dfns_result_outcome(_ result: OpaquePointer?, _ outcome: UnsafeMutablePointer<Int32>?) -> Int32 {
    scalar("dfns_result_outcome", outcome, zero: 0) { () throws(BridgeError) in
        Int32(bitPattern: try resultBox(result).outcome.rawValue)
    }
}

@c @implementation
public func dfns_result_error_id(_ result: OpaquePointer?, _ error_id: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    optionalString("dfns_result_error_id", result, error_id, "Dfns error id", \.errorId)
}

@c @implementation
public func dfns_result_request_id(_ result: OpaquePointer?, _ request_id: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    optionalString("dfns_result_request_id", result, request_id, "request id (X-Request-ID)", \.requestId)
}

@c @implementation
public func dfns_result_approval_id(_ result: OpaquePointer?, _ approval_id: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    optionalString("dfns_result_approval_id", result, approval_id, "approval id", \.approvalId)
}

@c @implementation
public func dfns_result_header_count(_ result: OpaquePointer?, _ count: UnsafeMutablePointer<Int>?) -> Int32 {
    scalar("dfns_result_header_count", count, zero: 0) { () throws(BridgeError) in try resultBox(result).headers.count }
}

@c @implementation
public func dfns_result_header_at(_ result: OpaquePointer?, _ index: Int, _ name: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ value: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    name?.pointee = nil
    value?.pointee = nil
    return guarded("dfns_result_header_at") { () throws(BridgeError) in
        let nameOut = try Arguments.output(name, "name")
        let valueOut = try Arguments.output(value, "value")
        let headers = try resultBox(result).headers
        guard index >= 0, index < headers.count else {
            throw BridgeError(DFNS_ERR_NOT_FOUND, "the result has \(headers.count) header fields; there is no field \(index)")
        }
        nameOut.pointee = UnsafePointer(headers[index].name.pointer)
        valueOut.pointee = UnsafePointer(headers[index].value.pointer)
    }
}

@c @implementation
public func dfns_result_header(_ result: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    borrowedString("dfns_result_header", value) { () throws(BridgeError) -> CString in
        let box = try resultBox(result)
        let wanted = try Arguments.string(name, "name")
        guard let field = box.headers.first(where: { HTTPHeaders.namesMatch($0.field.name, wanted) }) else {
            throw BridgeError(DFNS_ERR_NOT_FOUND, "the result has no header field named \"\(wanted.prefix(64))\"")
        }
        return field.value
    }
}

import DfnsEncoding
import DfnsProtocol

/// A successful (2xx) answer of the Dfns API.
public struct APIResponse: Sendable {
    /// 200, 201, 202 or 204.
    public let status: Int
    public let headers: HTTPHeaders
    /// The exact body bytes.
    public let body: [UInt8]

    /// A response as a transport delivered it (tests, fuzzing, hosts replaying a stored answer).
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The server's request id (`X-Request-ID`), when it sent one.
    public var requestId: String? { headers[DfnsHeaders.requestId] }

    /// 202: the request was accepted but is held by a policy, waiting for approval.
    public var isPendingApproval: Bool { status == 202 }

    /// The body parsed strictly as JSON.
    public func json() throws(DfnsError) -> JSONValue {
        do {
            return try JSONParser().parse(body)
        } catch {
            throw .invalidResponse(status: status, message: "the body is not JSON: \(error)", requestId: requestId)
        }
    }

    /// The body decoded as `T` (unknown members ignored).
    public func decode<T: Decodable>(_ type: T.Type) throws(DfnsError) -> T {
        do {
            return try WireCoding.decode(type, from: body)
        } catch {
            throw .invalidResponse(status: status, message: "the body is not a \(T.self): \(error)", requestId: requestId)
        }
    }
}

import DfnsEncoding
import DfnsProtocol
import Foundation
import Hummingbird

/// An error the sandbox answers with the documented envelope
/// `{"error":{"id","status","message"[,"details"]}}` (reference/dfns-protocol.md §10).
public struct SandboxError: Error, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A stable, machine-readable id (`E_USER_ACTION_MISSING`, ...).
    public var errorId: String
    public var message: String
    public var details: JSONValue?

    public init(_ status: HTTPResponse.Status, _ errorId: String, _ message: String, details: JSONValue? = nil) {
        self.status = status
        self.errorId = errorId
        self.message = message
        self.details = details
    }

    public var description: String { "\(status.code) \(errorId): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = APIErrorBody.envelope(status: status.code, errorId: errorId, message: message, details: details)
        return JSONResponse.make(body, status: status)
    }

    // MARK: The errors the sandbox answers

    public static func badRequest(_ message: String, details: JSONValue? = nil) -> SandboxError {
        SandboxError(.badRequest, "E_BAD_REQUEST", message, details: details)
    }
    public static func notAuthenticated(_ message: String) -> SandboxError {
        SandboxError(.unauthorized, "E_NOT_AUTHENTICATED", message)
    }
    public static func forbidden(_ message: String) -> SandboxError {
        SandboxError(.forbidden, "E_FORBIDDEN", message)
    }
    public static func userActionInvalid(_ message: String) -> SandboxError {
        SandboxError(.forbidden, "E_USER_ACTION_INVALID", message)
    }
    public static func userActionUsed() -> SandboxError {
        SandboxError(.badRequest, "E_USER_ACTION_USED", "user action has already been used")
    }
    public static func notFound(_ what: String) -> SandboxError {
        SandboxError(.notFound, "E_NOT_FOUND", "\(what) not found")
    }
    public static func conflict(_ message: String, details: JSONValue? = nil) -> SandboxError {
        SandboxError(.conflict, "E_CONFLICT", message, details: details)
    }
    public static func payloadTooLarge(limit: Int) -> SandboxError {
        SandboxError(.contentTooLarge, "E_PAYLOAD_TOO_LARGE", "request body exceeds \(limit) bytes")
    }
    public static func internalError(_ message: String) -> SandboxError {
        SandboxError(.internalServerError, "E_INTERNAL", message)
    }
}

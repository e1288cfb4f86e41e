import HTTPTypes
import Hummingbird
import Logging

/// Outermost middleware: every failure leaves as the Dfns error envelope, never as a bare text body
/// or a dropped connection; and the request body is read here, once, bounded by the configured
/// limit (413 beyond it), so nothing downstream reads an unbounded stream.
struct ErrorEnvelopeMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await answer(request, context: context, next: next)
        response.headers[HTTPField.Name("X-Request-ID")!] = context.id
        return response
    }

    private func answer(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        do {
            do {
                let buffer = try await request.body.collect(upTo: maxBodyBytes)
                context.body = Array(buffer.readableBytesView)
            } catch {
                throw SandboxError.payloadTooLarge(limit: maxBodyBytes)
            }
            return try await next(request, context)
        } catch let error as SandboxError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let mapped: SandboxError
            switch error.status {
            case .notFound: mapped = SandboxError(.notFound, "E_ROUTE_NOT_FOUND", "no route for \(request.method) \(request.uri.path)")
            case .methodNotAllowed: mapped = SandboxError(.methodNotAllowed, "E_METHOD_NOT_ALLOWED", "\(request.method) is not allowed on \(request.uri.path)")
            default: mapped = SandboxError(error.status, "E_HTTP", error.body ?? error.status.reasonPhrase)
            }
            return try mapped.response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error: \(error)")
            return try SandboxError.internalError("internal error: \(error)").response(from: request, context: context)
        }
    }
}

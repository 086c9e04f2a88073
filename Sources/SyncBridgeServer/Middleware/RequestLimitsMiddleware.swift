import Hummingbird
import SyncBridgeCore

/// Refuses requests whose target or header fields are larger than the API reads, before any route sees them: 414
/// `uri_too_long` and 431 `headers_too_large`, with the error envelope. (The body limit is enforced where bodies are
/// read, chunked or not: 413.)
struct RequestLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let configuration: APIConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let target = request.head.path?.utf8.count ?? 0
        if target > configuration.maxURIBytes {
            throw SyncBridgeError(
                .uriTooLong, code: "uri_too_long",
                message: "The request target is \(target) bytes; at most \(configuration.maxURIBytes) are read. Send long input in a body."
            )
        }
        var fields = 0
        var bytes = 0
        for field in request.headers {
            fields += 1
            bytes += field.name.rawName.utf8.count + field.value.utf8.count + 4
        }
        if fields > configuration.maxHeaderFields || bytes > configuration.maxHeaderBytes {
            throw SyncBridgeError(
                .headersTooLarge, code: "headers_too_large",
                message:
                    "The request has \(fields) header fields (\(bytes) bytes); at most \(configuration.maxHeaderFields) fields and \(configuration.maxHeaderBytes) bytes are read."
            )
        }
        return try await next(request, context)
    }
}

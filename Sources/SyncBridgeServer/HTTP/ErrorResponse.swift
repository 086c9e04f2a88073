import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SyncBridgeCore

/// Turns any error into Truto's envelope:
/// `{"statusCode", "error", "message", "code", "details": {"failures": [{"path", "message"}]}}`.
/// The only place error kinds become HTTP statuses.
enum ErrorResponse {
    static func status(for kind: SyncBridgeError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .unprocessable: .unprocessableContent
        case .tooManyRequests: .tooManyRequests
        case .badGateway: .badGateway
        case .internalError: .internalServerError
        }
    }

    /// Maps Hummingbird's own errors (unknown route, body too large, …) onto ours.
    static func normalize(_ error: any Error) -> SyncBridgeError {
        if let e = error as? SyncBridgeError { return e }
        if error is NIOTooManyBytesError {
            return SyncBridgeError(.payloadTooLarge, code: "payload_too_large", message: "Request body is too large.")
        }
        if let e = error as? HTTPError {
            switch e.status {
            case .notFound: return SyncBridgeError(.notFound, code: "route_not_found", message: "No such endpoint.")
            case .contentTooLarge:
                return SyncBridgeError(.payloadTooLarge, code: "payload_too_large", message: "Request body is too large.")
            case .methodNotAllowed:
                return SyncBridgeError(.notFound, code: "method_not_allowed", message: "Method not allowed on this endpoint.")
            default:
                return SyncBridgeError(.badRequest, code: "bad_request", message: e.body ?? e.status.reasonPhrase)
            }
        }
        return SyncBridgeError(.internalError, code: "internal_error", message: "Internal server error.")
    }

    /// Reason phrases as Truto writes them (RFC 7231 names: "Unprocessable Entity", "Payload Too Large").
    static func reason(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 413: "Payload Too Large"
        case 422: "Unprocessable Entity"
        default: status.reasonPhrase
        }
    }

    static func response(for error: SyncBridgeError) -> Response {
        let status = status(for: error.kind)
        var body: [String: JSONValue] = [
            "statusCode": .number(Double(status.code)),
            "error": .string(reason(status)),
            "message": .string(error.message),
            "code": .string(error.code),
        ]
        if !error.failures.isEmpty {
            body["details"] = ["failures": .array(error.failures.map(\.json))]
        }
        var response = JSONResponse.make(.object(body), status: status)
        if error.kind == .unauthorized {
            response.headers[.wwwAuthenticate] = "Bearer"
        }
        if let wait = error.retryAfter, wait.isFinite, wait >= 0, wait <= RetryAfter.maximum {
            response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
        }
        return response
    }
}

/// Catches everything thrown below it and answers with the error envelope; unexpected errors are logged.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let normalized = ErrorResponse.normalize(error)
            if normalized.kind == .internalError {
                context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            }
            return ErrorResponse.response(for: normalized)
        }
    }
}

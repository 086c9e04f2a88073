import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import SyncBridgeCore
import Synchronization

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
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .unprocessable: .unprocessableContent
        case .requestTimeout: .requestTimeout
        case .uriTooLong: .uriTooLong
        case .headersTooLarge: .requestHeaderFieldsTooLarge
        case .tooManyRequests: .tooManyRequests
        case .badGateway: .badGateway
        case .internalError: .internalServerError
        }
    }

    /// Maps Hummingbird's own errors (unknown route, body too large, …) onto ours.
    static func normalize(_ error: any Error) -> SyncBridgeError {
        if let e = error as? SyncBridgeError { return e }
        if let e = error as? HTTPParserError {
            // The client's bytes, not our fault: the connection ended mid-body, or what came is not HTTP.
            return SyncBridgeError(
                .badRequest, code: e == .invalidEOFState ? "incomplete_request" : "malformed_request",
                message: e == .invalidEOFState ? "The request ended before its body was complete." : "The request is not valid HTTP/1.1 (\(e))."
            )
        }
        if error is NIOTooManyBytesError {
            return SyncBridgeError(.payloadTooLarge, code: "payload_too_large", message: "Request body is too large.")
        }
        if let e = error as? HTTPError {
            switch e.status {
            case .notFound: return SyncBridgeError(.notFound, code: "route_not_found", message: "No such endpoint.")
            case .contentTooLarge:
                return SyncBridgeError(.payloadTooLarge, code: "payload_too_large", message: "Request body is too large.")
            case .methodNotAllowed:
                return SyncBridgeError(.methodNotAllowed, code: "method_not_allowed", message: "Method not allowed on this endpoint.")
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

/// Catches everything thrown below it and answers with the error envelope; unexpected errors are logged. A path the
/// API serves asked with a method it does not is a 405 with `Allow`, not a 404.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var normalized = ErrorResponse.normalize(error)
            if normalized.code == "route_not_found" {
                let allowed = routes.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    normalized = SyncBridgeError(
                        .methodNotAllowed, code: "method_not_allowed",
                        message: "\(request.method.rawValue) is not allowed here; allowed: \(allowed.joined(separator: ", "))."
                    )
                    var response = ErrorResponse.response(for: normalized)
                    response.headers[.allow] = allowed.joined(separator: ", ")
                    return response
                }
            }
            if normalized.kind == .internalError {
                context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            }
            return ErrorResponse.response(for: normalized)
        }
    }
}

/// The (method, path pattern) of every route, filled once the router is built, to tell a wrong method from a wrong path.
final class RouteTable: Sendable {
    private let routes = Mutex<[(method: String, segments: [Substring])]>([])

    func set(_ all: [(method: String, path: String)]) {
        routes.withLock { $0 = all.map { ($0.method, $0.path.split(separator: "/")) } }
    }

    /// The methods served at `path`, sorted; empty when none is. `:name` segments match any one segment, but as the
    /// router does, a literal segment wins: `/webhook/test` is served by `POST /webhook/test` only, not by the
    /// `/webhook/:id` routes.
    func methods(for path: String) -> [String] {
        let asked = path.split(separator: "/")
        let matching = routes.withLock { all in
            all.filter { route in
                route.segments.count == asked.count && zip(route.segments, asked).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
            }
        }
        // The most specific pattern: the one with a literal at the first segment where the candidates differ.
        guard let best = matching.map(\.segments).min(by: Self.moreSpecific) else { return [] }
        return Set(matching.filter { $0.segments == best }.map(\.method)).sorted()
    }

    static func moreSpecific(_ a: [Substring], _ b: [Substring]) -> Bool {
        for (x, y) in zip(a, b) where x.hasPrefix(":") != y.hasPrefix(":") { return !x.hasPrefix(":") }
        return false
    }
}

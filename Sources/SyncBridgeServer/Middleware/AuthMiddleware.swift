import Foundation
import Hummingbird
import Logging
import Storage
import SyncBridgeCore

/// Resolves `Authorization: Bearer <token>` to the token's environment; everything behind it requires one.
struct AuthMiddleware: RouterMiddleware {
    let store: any Store

    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw SyncBridgeError(.unauthorized, code: "missing_token", message: "Authorization: Bearer <api_token> is required.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw SyncBridgeError(.unauthorized, code: "invalid_token", message: "Authorization header must be 'Bearer <api_token>'.")
        }
        let hash = Tokens.hash(String(parts[1]).trimmingCharacters(in: .whitespaces))
        guard let token = try await store.transaction({ try await $0.token(hash: hash) }) else {
            throw SyncBridgeError(.unauthorized, code: "invalid_token", message: "The API token is not valid.")
        }
        var context = context
        context.environmentId = token.environmentId
        context.logger[metadataKey: "environment_id"] = "\(token.environmentId.lowercased)"
        return try await next(request, context)
    }
}

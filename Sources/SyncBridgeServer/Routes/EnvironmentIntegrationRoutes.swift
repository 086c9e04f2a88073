import Connectors
import Foundation
import Hummingbird
import Storage
import SyncBridgeCore

/// `/environment-integration/:name`: an environment's settings for an integration, today its OAuth app
/// (`{"oauth": {"client_id", "client_secret", "scopes"}}`). `PUT` creates or replaces; the secret is never returned.
struct EnvironmentIntegrationRoutes {
    let api: APIServices

    func register(_ r: RouteRegistrar) {
        r.add(.put, "/environment-integration/:name") { request, context in try await put(request, context) }
        r.add(.get, "/environment-integration/:name") { _, context in try await get(context) }
    }

    func name(_ context: APIRequestContext) throws -> String {
        let name = context.parameters.get("name") ?? ""
        guard api.connectors.descriptor(for: name) != nil else { throw SyncBridgeError.notFound(EnvironmentIntegration.resourceName, id: name) }
        return name
    }

    /// The environment's settings for `name`, if any.
    static func find(_ name: String, environmentId: UUID, session: any StoreSession) async throws -> EnvironmentIntegration? {
        var query = ListQuery()
        query.equals = ["integration_name": name]
        query.limit = 1
        return try await session.list(EnvironmentIntegration.self, environmentId: environmentId, query: query).items.first
    }

    func put(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let name = try name(context)
        let failures = FailureCollector()
        let reader = FieldReader(try await api.body(request), failures: failures)
        reader.rejectUnknown(["oauth"])
        reader.refuseNulls()
        var clientId: String?
        var secret: String?
        var scopes = "read"
        if let oauth = reader.value("oauth") {
            let o = FieldReader(oauth, path: "oauth", failures: failures)
            o.rejectUnknown(["client_id", "client_secret", "scopes"])
            o.refuseNulls()
            clientId = o.string("client_id", required: true)
            secret = o.string("client_secret", required: true)
            scopes = o.string("scopes") ?? "read"
        }
        try failures.throwIfAny()
        let now = api.now
        let (settings, created) = try await api.store.transaction { s -> (EnvironmentIntegration, Bool) in
            if var existing = try await Self.find(name, environmentId: env, session: s) {
                (existing.oauthClientId, existing.oauthClientSecret, existing.oauthScopes, existing.updatedAt) = (clientId, secret, scopes, now)
                try await s.update(existing)
                return (existing, false)
            }
            let fresh = EnvironmentIntegration(
                environmentId: env, integrationName: name, oauthClientId: clientId, oauthClientSecret: secret, oauthScopes: scopes, createdAt: now,
                updatedAt: now
            )
            try await s.insert(fresh)
            return (fresh, true)
        }
        return JSONResponse.make(settings.apiJSON, status: created ? .created : .ok)
    }

    func get(_ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let name = try name(context)
        guard let settings = try await api.store.transaction({ try await Self.find(name, environmentId: env, session: $0) }) else {
            throw SyncBridgeError.notFound(EnvironmentIntegration.resourceName, id: name)
        }
        return JSONResponse.make(settings.apiJSON)
    }
}

import Accounts
import AsyncHTTPClient
import Connectors
import Delivery
import Foundation
import Hummingbird
import Logging
import Runs
import Storage
import SyncBridgeCore

/// What every route handler needs: the store, the clock, the webhook sender and the configuration.
struct APIServices: Sendable {
    let store: any Store
    let clock: any WallClock
    let sender: WebhookSender
    let configuration: APIConfiguration
    let logger: Logger
    /// For the live `/unified` and `/proxy` APIs.
    let connectors: IntegrationRegistry
    /// Accounts' credentials with their OAuth tokens kept alive.
    let tokens: AccountTokens

    var now: Date { clock.now() }
    /// Where every run created through the API comes from.
    var runs: RunFactory { RunFactory(connectors: connectors) }

    /// Where providers and browsers reach this API: the configured public URL, or the request's host.
    func publicBase(_ request: Request) -> String {
        configuration.publicURL ?? "http://\(request.head.authority ?? "\(configuration.host):\(configuration.port)")"
    }

    /// The request body, which must be a JSON object, with the API's size limit.
    func body(_ request: Request) async throws -> JSONValue {
        let body = try await RequestBody.json(request, maxBytes: configuration.maxBodyBytes, readDeadline: configuration.bodyReadTimeout)
        guard case .object = body else {
            throw SyncBridgeError.validation([FieldFailure(path: "body", message: "must be a JSON object")])
        }
        return body
    }

    /// The request body read into a typed value (see ``FieldReader/read(_:fields:_:)``): complete, or one 422 naming
    /// every bad member.
    func input<T>(_ request: Request, fields: Set<String>, nullable: Set<String> = [], _ build: (FieldReader) -> T?) async throws -> T {
        try FieldReader.read(try await body(request), fields: fields, nullable: nullable, build)
    }

    /// The `:id` path parameter; anything that is not a UUID cannot name a resource, so it is a 404.
    func pathId<R: Resource>(_ context: APIRequestContext, _ type: R.Type) throws -> UUID {
        let raw = context.parameters.get("id") ?? ""
        guard let id = UUID(uuidString: raw) else { throw SyncBridgeError.notFound(R.resourceName, id: raw) }
        return id
    }

    /// A list endpoint: parses the query, reads one page, answers in Truto's list shape.
    func list<R: StoredResource>(_ type: R.Type, _ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let cursors = store.cursors
        let query = try ListParameters.parse(request, for: R.self, environment: env, cursors: cursors)
        let page = try await store.transaction { try await $0.list(R.self, environmentId: env, query: query) }
        let next = page.nextCursor.map { cursors.seal($0.payload, scope: ListParameters.cursorScope(R.self, environment: env)) }
        return JSONResponse.list(page.items.map(render), nextCursor: next, limit: query.limit)
    }

    /// A get endpoint.
    func get<R: StoredResource>(_ type: R.Type, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try pathId(context, R.self)
        let resource = try await store.transaction { try await $0.require(R.self, id: id, environmentId: env) }
        return JSONResponse.make(render(resource))
    }

    /// A resource as the API shows it; accounts with their integration's warnings.
    func render(_ resource: some Resource) -> JSONValue {
        (resource as? IntegratedAccount).map(connectors.render) ?? resource.apiJSON
    }
}

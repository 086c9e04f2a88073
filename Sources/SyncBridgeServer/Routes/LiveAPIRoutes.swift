import Accounts
import Connectors
import Foundation
import Hummingbird
import Storage
import SyncBridgeCore

/// The live APIs, through the same connectors as sync jobs:
/// `GET /unified/{api}/{resource}[/{id}]` (unified records, e.g. `/unified/ticketing/tickets`) and
/// `GET /proxy/{resource}[/{id}]` (the provider's objects), with `?integrated_account_id=…`. Lists answer Truto's
/// `{result, next_cursor, prev_cursor, result_count}`; pass `next_cursor` back for the next page. Other query
/// parameters go to the connector (`updated_at[gt]=…` becomes `{"updated_at": {"gt": …}}`).
struct LiveAPIRoutes {
    let api: APIServices

    func register(_ r: RouteRegistrar) {
        r.add(.get, "/unified/:api/:resource") { request, context in
            try await call(
                request, context, resource: "\(try context.parameters.require("api"))/\(try context.parameters.require("resource"))", id: nil)
        }
        r.add(.get, "/unified/:api/:resource/:id") { request, context in
            try await call(
                request, context, resource: "\(try context.parameters.require("api"))/\(try context.parameters.require("resource"))",
                id: try context.parameters.require("id")
            )
        }
        r.add(.get, "/proxy/:resource") { request, context in
            try await call(request, context, resource: try context.parameters.require("resource"), id: nil)
        }
        r.add(.get, "/proxy/:resource/:id") { request, context in
            try await call(request, context, resource: try context.parameters.require("resource"), id: try context.parameters.require("id"))
        }
    }

    static let reserved: Set<String> = ["integrated_account_id", "next_cursor", "limit"]

    func call(_ request: Request, _ context: APIRequestContext, resource: String, id: String?) async throws -> Response {
        let env = try context.requireEnvironment()
        var parameters: [(String, String)] = []
        for (k, v) in request.uri.queryParameters {
            parameters.append((String(k).removingPercentEncoding ?? String(k), String(v).removingPercentEncoding ?? String(v)))
        }
        guard let accountText = parameters.first(where: { $0.0 == "integrated_account_id" })?.1, let accountId = UUID(uuidString: accountText) else {
            throw SyncBridgeError.validation([
                FieldFailure(path: "integrated_account_id", message: "is required: the id of the integrated account to call")
            ])
        }
        // Cursors are sealed for the environment, account and resource they came from: a connector only ever reads
        // back its own.
        let cursorScope = "live \(env.lowercased) \(accountId.lowercased) \(resource)"
        let cursors = api.store.cursors
        var cursor: String?
        if let given = parameters.first(where: { $0.0 == "next_cursor" })?.1, !given.isEmpty {
            guard let opened = cursors.open(given, scope: cursorScope) else {
                throw ListParameters.invalid(
                    "next_cursor", "is not a cursor this endpoint issued for this account (pass back next_cursor exactly as received)")
            }
            cursor = opened
        }
        let account = try await api.store.transaction { try await $0.require(IntegratedAccount.self, id: accountId, environmentId: env) }
        guard account.status == .active else {
            throw SyncBridgeError(.conflict, code: "integrated_account_not_active", message: "Integrated account is '\(account.status.rawValue)'.")
        }
        guard let connector = api.connectors.connector(for: account.integrationName) else {
            throw SyncBridgeError(.badRequest, code: "integration_not_supported", message: "No connector for '\(account.integrationName)'.")
        }
        let query = Self.query(parameters.filter { !Self.reserved.contains($0.0) })
        let connectorRequest = ConnectorRequest(resource: resource, method: id == nil ? "list" : "get", id: id, query: query, cursor: cursor)
        let page: ConnectorPage
        do {
            page = try await api.tokens.withAccount(account, logger: context.logger) { view throws(ConnectorError) in
                try await connector.fetch(connectorRequest, account: view, logger: context.logger)
            }
        } catch {
            throw Self.translate(error)
        }
        if let id {
            guard let record = page.records.first else {
                throw SyncBridgeError(.notFound, code: "remote_not_found", message: "\(resource) \(id) was not found.")
            }
            return JSONResponse.make(record)
        }
        return JSONResponse.make([
            "result": .array(page.records), "next_cursor": page.nextCursor.map { .string(cursors.seal($0, scope: cursorScope)) } ?? .null,
            "prev_cursor": .null,
            "result_count": .number(Double(page.records.count)),
        ])
    }

    /// `a[b]=v` becomes `{"a": {"b": "v"}}`; `truto_ignore_remote_data=true` a boolean.
    static func query(_ parameters: [(String, String)]) -> [String: JSONValue] {
        var out: JSONValue = .object([:])
        for (key, raw) in parameters {
            var path: [String] = []
            if let open = key.firstIndex(of: "["), key.hasSuffix("]") {
                path.append(String(key[..<open]))
                path += key[key.index(after: open)..<key.index(before: key.endIndex)].components(separatedBy: "][")
            } else {
                path = [key]
            }
            let value: JSONValue = (raw == "true" || raw == "false") && key == "truto_ignore_remote_data" ? .bool(raw == "true") : .string(raw)
            out = out.setting(path, to: value)
        }
        return out.objectValue ?? [:]
    }

    static func translate(_ error: ConnectorError) -> SyncBridgeError {
        switch error.code {
        case .rateLimited:
            var e = SyncBridgeError(.tooManyRequests, code: "remote_rate_limited", message: "The provider throttled the request: \(error.message)")
            e.retryAfter = error.retryAfter
            return e
        case .notFound: return SyncBridgeError(.notFound, code: "remote_not_found", message: error.message)
        case .invalidRequest: return SyncBridgeError(.badRequest, code: "invalid_request", message: error.message)
        case .unsupported: return SyncBridgeError(.notFound, code: "unsupported_resource", message: error.message)
        case .unauthorized:
            return SyncBridgeError(
                .badGateway, code: "remote_unauthorized", message: "The provider rejected the account's credentials: \(error.message)")
        case .transient, .badResponse: return SyncBridgeError(.badGateway, code: "remote_error", message: error.message)
        }
    }
}

import Connectors
import Foundation
import Hummingbird
import Storage
import SyncBridgeCore

/// `POST /link-token` (Truto's shape): `tenant_id` for a new account or `integrated_account_id` to reconnect one,
/// plus `redirect_uri`, optional `context` (settings the end user cannot change: `subdomain`, `base_url`) and
/// `scopes`. Answers `{link_token, url, expires_at, integration_name}`; the link works once, for ten minutes.
struct LinkTokenRoutes {
    let api: APIServices

    func register(_ r: RouteRegistrar) {
        r.add(.post, "/link-token") { request, context in try await create(request, context) }
    }

    func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let failures = FailureCollector()
        let reader = FieldReader(try await api.body(request), failures: failures)
        reader.rejectUnknown([
            "tenant_id", "integrated_account_id", "integration_name", "context", "redirect_uri", "scopes", "persist_previous_context",
        ])
        reader.refuseNulls()
        let tenant = reader.string("tenant_id")
        let accountId = reader.uuid("integrated_account_id")
        var integration = reader.string("integration_name") ?? "zendesk"
        if !api.connectors.names.contains(integration) {
            failures.add(
                "integration_name", "'\(integration)' is not a supported integration (supported: \(api.connectors.names.joined(separator: ", ")))")
        }
        let given = reader.object("context") ?? [:]
        let scopes = reader.string("scopes")
        // On a reconnect: keep the account's context (true, the default) or replace it with what the flow brings.
        let persist = reader.bool("persist_previous_context") ?? true
        let redirectURI = reader.string("redirect_uri", required: true)
        if let redirectURI { EndpointURL.check(redirectURI, at: "redirect_uri", failures: failures) }
        if tenant == nil && accountId == nil { failures.add("tenant_id", "is required (or give integrated_account_id to reconnect an account)") }
        if let base = given["base_url"]?.stringValue, let problem = EndpointURL.problem(base) {
            failures.add("context.base_url", "must be " + problem)
        }
        for key in given.keys where IntegratedAccount.secretKeys.contains(key) {
            failures.add("context.\(key)", "secrets do not travel in link tokens; the connect flow obtains them")
        }
        try failures.throwIfAny()
        guard let redirect = redirectURI else { throw SyncBridgeError.incompleteBody }
        let now = api.now
        let token = try await api.store.transaction { s -> LinkToken in
            if let accountId {
                let account = try await s.fetch(IntegratedAccount.self, id: accountId, environmentId: env)
                guard let account else {
                    throw SyncBridgeError.validation([FieldFailure(path: "integrated_account_id", message: "no integrated account with this id")])
                }
                integration = account.integrationName
            }
            guard let settings = try await EnvironmentIntegrationRoutes.find(integration, environmentId: env, session: s),
                settings.oauthClientId != nil, settings.oauthClientSecret != nil
            else {
                throw SyncBridgeError(
                    .unprocessable, code: "oauth_app_missing",
                    message:
                        "No OAuth app is configured for \(integration): PUT /environment-integration/\(integration) with oauth.client_id and oauth.client_secret first.",
                    failures: [FieldFailure(path: "integration_name", message: "has no OAuth app in this environment")]
                )
            }
            let link = LinkToken(
                environmentId: env, integrationName: integration, tenantId: tenant, integratedAccountId: accountId, context: given,
                redirectURI: redirect, scopes: scopes ?? settings.oauthScopes, persistPreviousContext: persist,
                expiresAt: now.addingTimeInterval(LinkToken.lifetime), createdAt: now,
                updatedAt: now
            )
            try await s.insert(link)
            return link
        }
        return JSONResponse.make(
            [
                "link_token": .string(token.id.lowercased), "url": .string(api.publicBase(request) + "/connect/\(token.id.lowercased)"),
                "expires_at": token.expiresAt.json, "integration_name": .string(token.integrationName),
            ],
            status: .created
        )
    }
}

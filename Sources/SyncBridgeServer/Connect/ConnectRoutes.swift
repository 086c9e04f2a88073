import Connectors
import Crypto
import Foundation
import Hummingbird
import Logging
import Storage
import SyncBridgeCore

/// The end user's side of connecting an account, opened from a link token's `url`:
///
/// 1. `GET /connect/:token` asks for the Zendesk subdomain (unless the link fixed it);
/// 2. `POST /connect/:token` sends the browser to Zendesk's consent page, with `state` and a PKCE challenge;
/// 3. `GET /oauth/callback` checks `state`, exchanges the code, stores the token pair sealed, creates the account
///    (or reconnects the one the link names) and returns the browser to `redirect_uri?integrated_account_id=…`.
///
/// Where the code and the client secret go is never the end user's choice: a `base_url` comes only from the link
/// token's `context`, set by the API caller; the form takes a subdomain and nothing else. A denied consent, a
/// replayed or forged `state` and an expired or used link each end at `redirect_uri?error=…` (or on an error page
/// when no link is known).
struct ConnectRoutes {
    let api: APIServices

    func register(_ r: RouteRegistrar) {
        r.add(.get, "/connect/:token") { _, context in try await show(context) }
        r.add(.post, "/connect/:token") { request, context in try await start(request, context) }
        r.add(.get, "/oauth/callback") { request, context in try await callback(request, context) }
    }

    /// The usable link for a path token, or why not (an error page, or a redirect back with `error`).
    enum Usable {
        case link(LinkToken)
        case answer(Response)
    }

    enum Spent: Sendable {
        case link(LinkToken)
        case refused(String)
        /// No link has this state's id.
        case unknown
    }

    func link(_ raw: String, now: Date) async throws -> Usable {
        guard let id = UUID(uuidString: raw),
            let link = try await api.store.transaction({ try await $0.find(LinkToken.self, id: id, forUpdate: false) })
        else {
            return .answer(ConnectPage.page("This link is not valid", "<p>Ask the app that sent you here for a new link.</p>", status: .notFound))
        }
        if link.used || link.expiresAt <= now {
            return .answer(ConnectPage.redirect(ConnectPage.url(link.redirectURI, [("error", link.used ? "link_used" : "link_expired")])))
        }
        return .link(link)
    }

    func show(_ context: APIRequestContext) async throws -> Response {
        let raw = context.parameters.get("token") ?? ""
        switch try await link(raw, now: api.now) {
        case .answer(let answer): return answer
        case .link(let link):
            let fixed = link.context["base_url"]?.stringValue ?? link.context["subdomain"]?.stringValue.map { "\($0).zendesk.com" }
            return ConnectPage.form(action: "/connect/\(link.id.lowercased)", fixed: fixed)
        }
    }

    func start(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let raw = context.parameters.get("token") ?? ""
        var link: LinkToken
        switch try await self.link(raw, now: api.now) {
        case .answer(let answer): return answer
        case .link(let found): link = found
        }
        let body = try await RequestBody.collect(request, upTo: 16 * 1024, readDeadline: api.configuration.bodyReadTimeout)
        let form = Self.form(String(buffer: body))
        // Only a subdomain comes from the end user; `base_url` (where the code and the secret go) never does.
        var settings = link.context.filter { $0.key == "subdomain" || $0.key == "base_url" }
        if settings["subdomain"] == nil && settings["base_url"] == nil {
            let subdomain = (form["subdomain"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard !subdomain.isEmpty, subdomain.allSatisfy({ ($0.isLetter && $0.isASCII) || $0.isNumber || $0 == "-" }) else {
                return ConnectPage.page(
                    "Connect your Zendesk account",
                    "<p role=\"alert\">Enter your subdomain: letters, digits and '-' only.</p><p><a href=\"/connect/\(link.id.lowercased)\">Try again</a></p>",
                    status: .unprocessableContent)
            }
            settings["subdomain"] = .string(subdomain)
        }
        guard let connector = api.connectors.connector(for: link.integrationName) as? any OAuthConnecting,
            let app = try await api.store.transaction({
                try await EnvironmentIntegrationRoutes.find(link.integrationName, environmentId: link.environmentId, session: $0)
            }),
            let clientId = app.oauthClientId
        else {
            return ConnectPage.redirect(ConnectPage.url(link.redirectURI, [("error", "oauth_app_missing")]))
        }
        let base: String
        do throws(ConnectorError) {
            base = try connector.baseURL(context: settings)
        } catch {
            return ConnectPage.redirect(ConnectPage.url(link.redirectURI, [("error", "invalid_subdomain")]))
        }
        let nonce = Self.random(24)
        let verifier = Self.random(48)
        link.context.merge(settings) { _, new in new }
        (link.stateNonce, link.codeVerifier, link.baseURL, link.updatedAt) = (nonce, verifier, base, api.now)
        let saved = link
        try await api.store.transaction { try await $0.update(saved) }
        let consent = connector.authorizationURL(
            baseURL: base, clientId: clientId, redirectURI: api.publicBase(request) + "/oauth/callback", scopes: link.scopes ?? app.oauthScopes,
            state: "\(link.id.lowercased).\(nonce)", codeChallenge: Self.challenge(verifier)
        )
        return ConnectPage.redirect(consent)
    }

    func callback(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { a, _ in a })
        let state = (query["state"] ?? "").split(separator: ".", maxSplits: 1).map(String.init)
        let now = api.now
        guard state.count == 2, let id = UUID(uuidString: state[0]) else {
            return ConnectPage.page(
                "This sign-in cannot be completed", "<p>The answer from Zendesk does not belong to a connect link.</p>", status: .badRequest)
        }
        // The link is spent by the first answer that carries it, whatever happens next: a state works once.
        let outcome: Spent = try await api.store.transaction { s in
            guard var link = try await s.find(LinkToken.self, id: id, forUpdate: true) else { return .unknown }
            let wasUsable = !link.used && link.expiresAt > now && link.stateNonce != nil
            let matches = link.stateNonce.map { Self.constantTimeEqual($0, state[1]) } ?? false
            if !link.used {
                link.used = true
                link.updatedAt = now
                try await s.update(link)
            }
            guard wasUsable else { return .refused(link.expiresAt <= now ? "link_expired" : "invalid_state") }
            guard matches else { return .refused("invalid_state") }
            return .link(link)
        }
        let link: LinkToken
        switch outcome {
        case .unknown:
            return ConnectPage.page("This sign-in cannot be completed", "<p>The connect link is not known.</p>", status: .badRequest)
        case .refused(let reason):
            let redirect = try await api.store.transaction { try await $0.find(LinkToken.self, id: id, forUpdate: false) }?.redirectURI
            return redirect.map { ConnectPage.redirect(ConnectPage.url($0, [("error", reason)])) }
                ?? ConnectPage.page("This sign-in cannot be completed", "<p>\(reason)</p>", status: .badRequest)
        case .link(let found): link = found
        }
        if let error = query["error"] {
            return ConnectPage.redirect(
                ConnectPage.url(link.redirectURI, [("error", error == "access_denied" ? "access_denied" : "authorization_failed")]))
        }
        guard let code = query["code"], let base = link.baseURL, let verifier = link.codeVerifier,
            let connector = api.connectors.connector(for: link.integrationName) as? any OAuthConnecting,
            let app = try await api.store.transaction({
                try await EnvironmentIntegrationRoutes.find(link.integrationName, environmentId: link.environmentId, session: $0)
            }),
            let clientId = app.oauthClientId, let secret = app.oauthClientSecret
        else {
            return ConnectPage.redirect(ConnectPage.url(link.redirectURI, [("error", "authorization_failed")]))
        }
        let tokens: OAuthTokenSet
        do throws(ConnectorError) {
            tokens = try await connector.exchange(
                code: code, baseURL: base, clientId: clientId, clientSecret: secret, redirectURI: api.publicBase(request) + "/oauth/callback",
                codeVerifier: verifier, now: now, logger: context.logger
            )
        } catch {
            context.logger.notice("code exchange failed", metadata: ["error": "\(error.code.rawValue)", "status": "\(error.status ?? 0)"])
            return ConnectPage.redirect(ConnectPage.url(link.redirectURI, [("error", "token_exchange_failed")]))
        }
        let account = try await connect(link, tokens: tokens, clientId: clientId, clientSecret: secret, now: now)
        return ConnectPage.redirect(ConnectPage.url(link.redirectURI, [("integrated_account_id", account.id.lowercased)]))
    }

    /// Creates the account, or reconnects the one the link names (same id, jobs and triggers), with the pair sealed.
    func connect(_ link: LinkToken, tokens: OAuthTokenSet, clientId: String, clientSecret: String, now: Date) async throws -> IntegratedAccount {
        var context = link.context
        context["client_id"] = .string(clientId)
        context["token_issued_at"] = .string(Timestamp.format(now))
        context["token_expires_at"] = tokens.expiresAt.map { .string(Timestamp.format($0)) } ?? .null
        if let until = tokens.refreshExpiresAt { context["refresh_token_expires_at"] = .string(Timestamp.format(until)) }
        if let scope = tokens.scope { context["scope"] = .string(scope) }
        var credentials: [String: JSONValue] = ["access_token": .string(tokens.accessToken), "client_secret": .string(clientSecret)]
        if let refresh = tokens.refreshToken { credentials["refresh_token"] = .string(refresh) }
        return try await api.store.transaction { s in
            if let id = link.integratedAccountId,
                var account = try await s.fetch(IntegratedAccount.self, id: id, environmentId: link.environmentId, forUpdate: true)
            {
                // Reconnect: the old API token (if any) gives way to the new pair; the old context stays unless the link
                // said otherwise (persist_previous_context: false).
                account.context = link.persistPreviousContext ? account.context.merging(context) : context
                account.credentials = credentials
                account.status = .active
                account.lastError = nil
                account.updatedAt = now
                try await s.update(account)
                let events: [EventType] = [.integratedAccountUpdated, .integratedAccountActive]
                try await AccountEventRuns.announce(events, account: account, session: s, runs: api.runs, now: now)
                return account
            }
            let account = IntegratedAccount(
                environmentId: link.environmentId, integrationName: link.integrationName, tenantId: link.tenantId ?? "", context: context,
                credentials: credentials, status: .active, createdAt: now, updatedAt: now
            )
            try await s.insert(account)
            let events: [EventType] = [.integratedAccountCreated, .integratedAccountActive]
            try await AccountEventRuns.announce(events, account: account, session: s, runs: api.runs, now: now)
            return account
        }
    }

    static func form(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { part in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            if let name = parts.first { out[name] = parts.count > 1 ? parts[1] : "" }
        }
        return out
    }

    /// `bytes` random bytes, base64url without padding.
    static func random(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return base64url(Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }))
    }

    static func challenge(_ verifier: String) -> String { base64url(Data(SHA256.hash(data: Data(verifier.utf8)))) }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
            of: "=", with: "")
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

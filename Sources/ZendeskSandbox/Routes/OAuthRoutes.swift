import Foundation
import JSONCore
import SyncBridgeCore

/// Zendesk's OAuth server, outside `/api/v2`: the consent page (`GET /oauth/authorizations/new`, answered by a form
/// `POST /oauth/authorizations`) and the token endpoint (`POST /oauth/tokens`) with the `authorization_code` (PKCE
/// S256), `refresh_token` (rotating: the used pair is deleted) and `client_credentials` grants. Errors follow RFC
/// 6749 as Zendesk's Doorkeeper answers them: 400 `invalid_grant` / `invalid_request` / `unsupported_grant_type`,
/// 401 `invalid_client`. Tokens expire on the sandbox's virtual clock.
struct OAuthRoutes: Sendable {
    let state: SandboxState
    let request: SandboxRequest
    let now: Int64

    func handle() -> SandboxResponse {
        switch (request.method, request.segments.dropFirst().joined(separator: "/")) {
        case ("POST", "tokens"): return tokens()
        case ("GET", "authorizations/new"): return consentPage()
        case ("POST", "authorizations"): return decide()
        default: return SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found").response
        }
    }

    // MARK: Token endpoint

    func tokens() -> SandboxResponse {
        let p = request.parameters()
        let clientId = p["client_id"] ?? ""
        let lifetime = p["expires_in"].flatMap { Int64($0) }.map { max(1, $0) }
        let refreshLifetime = p["refresh_token_expires_in"].flatMap { Int64($0) }.map { max(1, $0) }
        return state.read { s -> SandboxResponse in
            func refuse(_ error: String, _ description: String, status: Int = 400) -> SandboxResponse {
                s.oauth.refused[error, default: 0] += 1
                return .json(["error": .string(error), "error_description": .string(description)], status: status)
            }
            guard let client = s.oauth.clients[clientId] else {
                return refuse("invalid_client", "Client authentication failed due to unknown client.", status: 401)
            }
            let secret = p["client_secret"]
            switch p["grant_type"] ?? "" {
            case "authorization_code":
                guard let code = p["code"], var pending = s.oauth.codes[code] else {
                    return refuse(
                        "invalid_grant",
                        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."
                    )
                }
                // Single use: a second exchange is refused however it ends.
                let wasUsed = pending.used
                pending.used = true
                s.oauth.codes[code] = pending
                guard !wasUsed, now < pending.expiresAt, pending.clientId == client.identifier,
                    p["redirect_uri"] == nil || p["redirect_uri"] == pending.redirectURI
                else {
                    return refuse(
                        "invalid_grant",
                        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."
                    )
                }
                if let challenge = pending.challenge {
                    guard let verifier = p["code_verifier"], OAuthRegistry.challenge(for: verifier) == challenge else {
                        return refuse("invalid_grant", "The code verifier does not match the code challenge.")
                    }
                } else if secret != client.secret {
                    return refuse("invalid_client", "Client authentication failed.", status: 401)
                }
                let grant = s.oauth.issue(
                    client: client.identifier, scopes: pending.scopes, now: now, lifetime: lifetime, refreshLifetime: refreshLifetime,
                    refreshable: true
                )
                return Self.answer(grant, now: now)
            case "refresh_token":
                guard secret == client.secret else { return refuse("invalid_client", "Client authentication failed.", status: 401) }
                guard let refresh = p["refresh_token"], let access = s.oauth.byRefresh[refresh], let old = s.oauth.grants[access],
                    old.clientId == client.identifier, now < (old.refreshExpiresAt ?? 0)
                else {
                    return refuse(
                        "invalid_grant",
                        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."
                    )
                }
                // Rotation: the used pair is deleted at once.
                s.oauth.revoke(accessToken: access)
                s.oauth.refreshes[client.identifier, default: 0] += 1
                let scopes = p["scope"].map(Self.scopes) ?? old.scopes
                let grant = s.oauth.issue(
                    client: client.identifier, scopes: scopes, now: now, lifetime: lifetime, refreshLifetime: refreshLifetime, refreshable: true
                )
                return Self.answer(grant, now: now)
            case "client_credentials":
                guard secret == client.secret else { return refuse("invalid_client", "Client authentication failed.", status: 401) }
                let grant = s.oauth.issue(
                    client: client.identifier, scopes: Self.scopes(p["scope"] ?? "read"), now: now, lifetime: lifetime, refreshLifetime: nil,
                    refreshable: false
                )
                return Self.answer(grant, now: now)
            case "":
                return refuse("invalid_request", "The request is missing a required parameter: grant_type.")
            default:
                return refuse("unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
            }
        }
    }

    static func scopes(_ text: String) -> [String] { text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) }

    static func answer(_ grant: OAuthGrant, now: Int64) -> SandboxResponse {
        var body: [String: JSONValue] = [
            "access_token": .string(grant.accessToken), "token_type": "bearer", "scope": .string(grant.scopes.joined(separator: " ")),
            "expires_in": .number(Double(grant.expiresAt - now)),
        ]
        if let refresh = grant.refreshToken, let until = grant.refreshExpiresAt {
            body["refresh_token"] = .string(refresh)
            body["refresh_token_expires_in"] = .number(Double(until - now))
        }
        return .json(.object(body), status: 201)
    }

    // MARK: Consent

    /// The client and redirect of an authorization request, or the error page that a bad one gets (no redirect:
    /// the redirect cannot be trusted).
    func authorizationRequest(_ p: [String: String]) -> Result<(SandboxOAuthClient, String), ErrorPage> {
        guard let client = state.read({ $0.oauth.clients[p["client_id"] ?? ""] }) else {
            return .failure(
                ErrorPage(
                    response: Self.page(
                        status: 400, title: "Invalid OAuth request",
                        body: "<p>The application is not known to this Zendesk account (unknown <code>client_id</code>).</p>")))
        }
        guard let redirect = p["redirect_uri"], client.redirectURIs.contains(redirect) else {
            return .failure(
                ErrorPage(
                    response: Self.page(
                        status: 400, title: "Invalid OAuth request",
                        body: "<p>The redirect URL does not match the ones registered for \(Self.escape(client.name)).</p>")))
        }
        return .success((client, redirect))
    }

    func consentPage() -> SandboxResponse {
        let p = request.query
        let (client, redirect): (SandboxOAuthClient, String)
        switch authorizationRequest(p) {
        case .success(let ok): (client, redirect) = ok
        case .failure(let page): return page.response
        }
        guard p["response_type"] == "code" else {
            return Self.redirect(redirect, ["error": "unsupported_response_type", "state": p["state"]])
        }
        if let method = p["code_challenge_method"], method != "S256" {
            return Self.redirect(
                redirect, ["error": "invalid_request", "error_description": "code_challenge_method must be S256", "state": p["state"]])
        }
        let scopes = Self.scopes(p["scope"] ?? "read")
        let hidden = ["client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"].compactMap { name in
            p[name].map { "<input type=\"hidden\" name=\"\(name)\" value=\"\(Self.escape($0))\">" }
        }.joined(separator: "\n      ")
        let items = scopes.map { "<li>\(Self.escape($0))</li>" }.joined()
        return Self.page(
            status: 200, title: "Allow \(client.name) to access your Zendesk account?",
            body: """
                <p><strong>\(Self.escape(client.name))</strong> is asking for access to <strong>acme</strong> with these scopes:</p>
                <ul id="scopes">\(items)</ul>
                <form method="post" action="/oauth/authorizations">
                  \(hidden)
                  <button type="submit" name="decision" value="allow" id="allow">Allow</button>
                  <button type="submit" name="decision" value="deny" id="deny">Deny</button>
                </form>
                """)
    }

    func decide() -> SandboxResponse {
        let p = request.parameters()
        let (client, redirect): (SandboxOAuthClient, String)
        switch authorizationRequest(p) {
        case .success(let ok): (client, redirect) = ok
        case .failure(let page): return page.response
        }
        guard p["decision"] == "allow" else {
            return Self.redirect(
                redirect, ["error": "access_denied", "error_description": "The resource owner denied the request.", "state": p["state"]])
        }
        let code = state.read { s -> String in
            let code = s.oauth.token("zac")
            s.oauth.codes[code] = AuthorizationCode(
                clientId: client.identifier, redirectURI: redirect, scopes: Self.scopes(p["scope"] ?? "read"),
                challenge: p["code_challenge"].flatMap { $0.isEmpty ? nil : $0 }, expiresAt: now + OAuthRegistry.codeLifetime
            )
            return code
        }
        return Self.redirect(redirect, ["code": code, "state": p["state"]])
    }

    static func redirect(_ uri: String, _ parameters: [String: String?]) -> SandboxResponse {
        var components = URLComponents(string: uri)
        var items = components?.queryItems ?? []
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            if let value { items.append(URLQueryItem(name: name, value: value)) }
        }
        components?.queryItems = items
        return SandboxResponse(
            status: 302, headers: [("Location", components?.string ?? uri), ("Content-Type", "text/html; charset=utf-8")], body: [])
    }

    static func page(status: Int, title: String, body: String) -> SandboxResponse {
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title></head>
            <body><main><h1>\(escape(title))</h1>
            \(body)
            </main></body></html>
            """
        return SandboxResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(html.utf8))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
}

/// An error page for a request whose redirect cannot be trusted.
struct ErrorPage: Error {
    let response: SandboxResponse
}

/// `/api/v2/oauth/tokens` (list, show, revoke) and `/api/v2/oauth/clients` (list, create), for admins.
struct OAuthAdminRoutes: Sendable {
    let context: RouteContext

    func handle() throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        let state = context.state
        switch (context.method, s.count > 1 ? s[1] : "", s.count) {
        case ("GET", "tokens", 2):
            let tokens = state.read { $0.oauth.grants.values.sorted { $0.id < $1.id }.map { $0.json(base: context.base) } }
            return .json(["tokens": .array(tokens), "next_page": .null, "previous_page": .null, "count": .number(Double(tokens.count))])
        case ("GET", "tokens", 3):
            let id = try context.id(2)
            guard let grant = state.read({ $0.oauth.grant(id: id) }) else { throw SandboxError.notFound() }
            return .json(["token": grant.json(base: context.base)])
        case ("DELETE", "tokens", 3):
            let id = try context.id(2)
            let found = state.read { s -> Bool in
                guard let grant = s.oauth.grant(id: id) else { return false }
                s.oauth.revoke(accessToken: grant.accessToken)
                return true
            }
            guard found else { throw SandboxError.notFound() }
            return SandboxResponse(status: 204, body: [])
        case ("GET", "clients", 2):
            let clients = state.read { $0.oauth.clients.values.sorted { $0.identifier < $1.identifier } }.map(Self.json)
            return .json(["clients": .array(clients), "next_page": .null, "previous_page": .null, "count": .number(Double(clients.count))])
        case ("POST", "clients", 2):
            let body = try context.request.json()
            guard let c = body["client"], let identifier = c["identifier"]?.stringValue, !identifier.isEmpty else {
                throw SandboxError.invalid("client.identifier is required")
            }
            let client = SandboxOAuthClient(
                identifier: identifier, secret: c["secret"]?.stringValue ?? state.read { $0.oauth.token("zcs") },
                redirectURIs: (c["redirect_uri"]?.arrayValue ?? []).compactMap(\.stringValue), kind: c["kind"]?.stringValue ?? "local",
                name: c["name"]?.stringValue
            )
            state.read { $0.oauth.clients[identifier] = client }
            return .json(["client": Self.json(client).setting(["secret"], to: .string(client.secret))], status: 201)
        default:
            throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
    }

    static func json(_ c: SandboxOAuthClient) -> JSONValue {
        [
            "identifier": .string(c.identifier), "name": .string(c.name), "kind": .string(c.kind),
            "redirect_uri": .array(c.redirectURIs.map(JSONValue.string)),
        ]
    }
}

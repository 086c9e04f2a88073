import Foundation
import Logging
import NIOHTTP1
import SyncBridgeCore

/// Zendesk's token endpoint (`POST {base}/oauth/tokens`): the `refresh_token` grant, which deletes the used pair and
/// returns a new one, or `client_credentials` for a confidential client without a refresh token.
extension ZendeskConnector: TokenRefreshing, OAuthConnecting {
    public func canRefresh(_ account: ConnectorAccount) -> Bool {
        let c = account.context
        let hasClient = c["client_id"]?.stringValue?.isEmpty == false && c["client_secret"]?.stringValue?.isEmpty == false
        return hasClient && (c["refresh_token"]?.stringValue?.isEmpty == false || c["api_token"] == nil)
    }

    public func refreshTokens(_ account: ConnectorAccount, now: Date, logger: Logger) async throws(ConnectorError) -> OAuthTokenSet {
        let base = try ZendeskAccount.baseURL(of: account.context)
        let c = account.context
        var body: [String: JSONValue] = [
            "client_id": c["client_id"] ?? .null, "client_secret": c["client_secret"] ?? .null,
        ]
        if let refresh = c["refresh_token"]?.stringValue, !refresh.isEmpty {
            body["grant_type"] = "refresh_token"
            body["refresh_token"] = .string(refresh)
        } else {
            body["grant_type"] = "client_credentials"
            body["scope"] = c["scope"] ?? "read"
        }
        // Test accounts may ask for short lifetimes, as Zendesk allows for testing expiry.
        if let seconds = c["token_lifetime_seconds"]?.numberValue { body["expires_in"] = .number(seconds) }
        return try await tokens(baseURL: base, body: body, now: now, logger: logger)
    }

    /// `POST {base}/oauth/tokens` with a grant; a refused grant is `unauthorized`.
    func tokens(baseURL: String, body: [String: JSONValue], now: Date, logger: Logger) async throws(ConnectorError) -> OAuthTokenSet {
        let answer: JSONValue
        do {
            answer = try await client.json(
                .POST, url: baseURL + "/oauth/tokens", headers: [], body: .object(body), display: "POST /oauth/tokens", budget: nil,
                logger: logger)
        } catch {
            // 400 invalid_grant and 401 invalid_client are final: the grant is gone. Rate limits and 5xx are not.
            if error.code == .invalidRequest || error.code == .unauthorized {
                throw ConnectorError(
                    .unauthorized, status: error.status, message: "Zendesk refused the token refresh (\(Self.oauthError(error.message)))",
                    request: error.request)
            }
            throw error
        }
        guard let access = answer["access_token"]?.stringValue, !access.isEmpty else {
            throw ConnectorError(.badResponse, message: "the token endpoint answered without an access_token", request: "POST /oauth/tokens")
        }
        return OAuthTokenSet(
            accessToken: access, refreshToken: answer["refresh_token"]?.stringValue,
            expiresAt: Self.lifetime(answer["expires_in"]).map { now.addingTimeInterval($0) },
            refreshExpiresAt: Self.lifetime(answer["refresh_token_expires_in"]).map { now.addingTimeInterval($0) },
            scope: answer["scope"]?.stringValue
        )
    }

    // MARK: Connecting (authorization code with PKCE)

    public func baseURL(context: [String: JSONValue]) throws(ConnectorError) -> String {
        try ZendeskAccount.baseURL(of: context)
    }

    public func authorizationURL(baseURL: String, clientId: String, redirectURI: String, scopes: String, state: String, codeChallenge: String)
        -> String
    {
        var components = URLComponents(string: baseURL + "/oauth/authorizations/new")
        components?.queryItems = [
            URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: clientId),
            URLQueryItem(name: "redirect_uri", value: redirectURI), URLQueryItem(name: "scope", value: scopes),
            URLQueryItem(name: "state", value: state), URLQueryItem(name: "code_challenge", value: codeChallenge),
            URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        return components?.string ?? baseURL
    }

    public func exchange(
        code: String, baseURL: String, clientId: String, clientSecret: String, redirectURI: String, codeVerifier: String, now: Date,
        logger: Logger
    ) async throws(ConnectorError) -> OAuthTokenSet {
        try await tokens(
            baseURL: baseURL,
            body: [
                "grant_type": "authorization_code", "code": .string(code), "client_id": .string(clientId), "client_secret": .string(clientSecret),
                "redirect_uri": .string(redirectURI), "code_verifier": .string(codeVerifier),
            ],
            now: now, logger: logger
        )
    }

    /// `invalid_grant` from an RFC 6749 error body (never the rest of it, which could echo a token).
    /// A lifetime in seconds as the provider gave it, read safely: a number from 0 to ten years (longer is capped),
    /// nil for anything else (absent, negative, NaN, not a number).
    static func lifetime(_ value: JSONValue?) -> TimeInterval? {
        guard let n = value?.numberValue, n.isFinite, n >= 0 else { return nil }
        return min(n, 10 * 365 * 86_400)
    }

    static func oauthError(_ body: String) -> String {
        (try? JSONParser.parse(body))?["error"]?.stringValue ?? "refused"
    }
}

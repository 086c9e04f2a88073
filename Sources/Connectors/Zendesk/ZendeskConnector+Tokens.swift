import Foundation
import Logging
import SyncBridgeCore

/// Zendesk's token endpoint (`POST {base}/oauth/tokens`): the `refresh_token` grant, which deletes the used pair and
/// returns a new one, or `client_credentials` for a confidential client without a refresh token.
extension ZendeskConnector: TokenRefreshing {
    public func canRefresh(_ account: ConnectorAccount) -> Bool {
        let c = account.context
        let hasClient = c["client_id"]?.stringValue?.isEmpty == false && c["client_secret"]?.stringValue?.isEmpty == false
        return hasClient && (c["refresh_token"]?.stringValue?.isEmpty == false || c["api_token"] == nil)
    }

    public func refreshTokens(_ account: ConnectorAccount, now: Date, logger: Logger) async throws(ConnectorError) -> OAuthTokenSet {
        let zendesk = try ZendeskAccount(baseOf: account)
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
        let answer: JSONValue
        do {
            answer = try await client.json(.POST, url: zendesk.baseURL + "/oauth/tokens", headers: [], body: .object(body), display: "POST /oauth/tokens", logger: logger)
        } catch {
            // 400 invalid_grant and 401 invalid_client are final: the grant is gone. Rate limits and 5xx are not.
            if error.code == .invalidRequest || error.code == .unauthorized {
                throw ConnectorError(.unauthorized, status: error.status, message: "Zendesk refused the token refresh (\(Self.oauthError(error.message)))", request: error.request)
            }
            throw error
        }
        guard let access = answer["access_token"]?.stringValue, !access.isEmpty else {
            throw ConnectorError(.badResponse, message: "the token endpoint answered without an access_token", request: "POST /oauth/tokens")
        }
        return OAuthTokenSet(
            accessToken: access, refreshToken: answer["refresh_token"]?.stringValue,
            expiresAt: answer["expires_in"]?.numberValue.map { now.addingTimeInterval($0) },
            refreshExpiresAt: answer["refresh_token_expires_in"]?.numberValue.map { now.addingTimeInterval($0) },
            scope: answer["scope"]?.stringValue
        )
    }

    /// `invalid_grant` from an RFC 6749 error body (never the rest of it, which could echo a token).
    static func oauthError(_ body: String) -> String {
        (try? JSONParser.parse(body))?["error"]?.stringValue ?? "refused"
    }
}

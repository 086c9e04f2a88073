import Foundation
import Logging
import SyncBridgeCore

/// A new set of OAuth tokens from the provider's token endpoint.
public struct OAuthTokenSet: Sendable, Equatable {
    public var accessToken: String
    /// The rotated refresh token (`nil` for grants without one, like client credentials).
    public var refreshToken: String?
    /// When the access token stops working (`nil`: the provider gave no lifetime).
    public var expiresAt: Date?
    public var refreshExpiresAt: Date?
    public var scope: String?

    public init(accessToken: String, refreshToken: String?, expiresAt: Date?, refreshExpiresAt: Date?, scope: String?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.refreshExpiresAt = refreshExpiresAt
        self.scope = scope
    }
}

/// A connector whose accounts may hold expiring OAuth tokens: it can get a new access token from the account's
/// refresh token (rotating it) or, for a confidential client, from its client credentials.
public protocol TokenRefreshing: Sendable {
    /// Whether the account's credentials can be renewed at all (a refresh token, or client credentials).
    func canRefresh(_ account: ConnectorAccount) -> Bool
    /// Exchanges the account's refresh token (or client credentials) for a new token set.
    /// - Throws: ``ConnectorError`` `unauthorized` when the provider refused the grant for good (`invalid_grant`,
    ///   an expired refresh token, a revoked client): the account must be reconnected. `transient` otherwise.
    func refreshTokens(_ account: ConnectorAccount, now: Date, logger: Logger) async throws(ConnectorError) -> OAuthTokenSet
}

/// A connector whose provider connects accounts with OAuth's authorization-code flow (PKCE S256).
public protocol OAuthConnecting: Sendable {
    /// Where the account lives, from settings the API caller fixed or the end user typed (`subdomain`).
    func baseURL(context: [String: JSONValue]) throws(ConnectorError) -> String
    /// The provider's consent page for the flow.
    func authorizationURL(baseURL: String, clientId: String, redirectURI: String, scopes: String, state: String, codeChallenge: String) -> String
    /// Exchanges the code the consent page returned for a token set.
    func exchange(
        code: String, baseURL: String, clientId: String, clientSecret: String, redirectURI: String, codeVerifier: String, now: Date,
        logger: Logger
    ) async throws(ConnectorError) -> OAuthTokenSet
}

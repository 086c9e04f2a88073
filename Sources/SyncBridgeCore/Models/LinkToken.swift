import Foundation

/// A single-use, short-lived link that lets an end user connect an account (Truto's link token): who it is for, where
/// the browser returns, and, once the connect page sent the browser to the provider, the OAuth `state` nonce and
/// PKCE verifier it must come back with. The id is the token; it is never listed.
public struct LinkToken: Resource, Equatable {
    public static let resourceName = "link-token"
    /// How long a link works.
    public static let lifetime: TimeInterval = 600

    public var id: UUID
    public var environmentId: UUID
    public var integrationName: String
    /// The tenant of a new account, or the account to reconnect.
    public var tenantId: String?
    public var integratedAccountId: UUID?
    /// Settings the API caller fixed (`subdomain`, `base_url`): the end user's form cannot change them.
    public var context: [String: JSONValue]
    /// Where the browser goes at the end (`?integrated_account_id=…` or `?error=…`).
    public var redirectURI: String
    public var scopes: String?
    /// On a reconnect, whether the account's existing context is kept (merged with what the connect flow brings) or
    /// replaced by it. Default true.
    public var persistPreviousContext: Bool
    public var expiresAt: Date
    /// Set when the connect page sends the browser to the provider.
    public var stateNonce: String?
    public var codeVerifier: String?
    public var baseURL: String?
    /// Set when the callback came back (success or not): the link cannot be used again.
    public var used: Bool
    public var createdAt: Date
    public var updatedAt: Date

    /// Creates a link token.
    public init(
        id: UUID = UUID(), environmentId: UUID, integrationName: String, tenantId: String?, integratedAccountId: UUID?,
        context: [String: JSONValue], redirectURI: String, scopes: String?, persistPreviousContext: Bool = true, expiresAt: Date,
        stateNonce: String? = nil,
        codeVerifier: String? = nil, baseURL: String? = nil, used: Bool = false, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.environmentId = environmentId
        self.integrationName = integrationName
        self.tenantId = tenantId
        self.integratedAccountId = integratedAccountId
        self.context = context
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.persistPreviousContext = persistPreviousContext
        self.expiresAt = expiresAt
        self.stateNonce = stateNonce
        self.codeVerifier = codeVerifier
        self.baseURL = baseURL
        self.used = used
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var stored: JSONValue {
        .object(
            commonMembers.merging([
                "integration_name": .string(integrationName), "tenant_id": tenantId.map(JSONValue.string) ?? .null,
                "integrated_account_id": integratedAccountId.map { .string($0.lowercased) } ?? .null, "context": .object(context),
                "redirect_uri": .string(redirectURI), "scopes": scopes.map(JSONValue.string) ?? .null, "expires_at": expiresAt.json,
                "persist_previous_context": .bool(persistPreviousContext),
                "used": .bool(used),
                "state_nonce": stateNonce.map(JSONValue.string) ?? .null, "code_verifier": codeVerifier.map(JSONValue.string) ?? .null,
                "base_url": baseURL.map(JSONValue.string) ?? .null,
            ])
        )
    }

    public var apiJSON: JSONValue { stored.removing(["state_nonce", "code_verifier", "base_url"]) }

    public init(stored: JSONValue) throws(SyncBridgeError) {
        self = try decodeStored("link token", stored) { r in
            guard let c = r.common(), let name = r.string("integration_name", required: true),
                let redirect = r.string("redirect_uri", required: true),
                let expires = r.date("expires_at", required: true)
            else { return nil }
            return LinkToken(
                id: c.id, environmentId: c.environmentId, integrationName: name, tenantId: r.string("tenant_id"),
                integratedAccountId: r.uuid("integrated_account_id"), context: r.object("context") ?? [:], redirectURI: redirect,
                scopes: r.string("scopes"), persistPreviousContext: r.bool("persist_previous_context") ?? true, expiresAt: expires,
                stateNonce: r.string("state_nonce"), codeVerifier: r.string("code_verifier"),
                baseURL: r.string("base_url"), used: r.bool("used") ?? false, createdAt: c.createdAt, updatedAt: c.updatedAt
            )
        }
    }
}

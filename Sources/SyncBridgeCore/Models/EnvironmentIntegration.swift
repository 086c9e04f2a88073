import Foundation

/// An environment's settings for one integration (Truto's environment-integration): the OAuth app its accounts are
/// connected with. The client secret is sealed at rest and never returned.
public struct EnvironmentIntegration: Resource, Equatable {
    public static let resourceName = "environment-integration"

    public var id: UUID
    public var environmentId: UUID
    public var integrationName: String
    /// The OAuth app: client id, client secret, and the scopes to ask for (space-separated, `read` by default).
    public var oauthClientId: String?
    public var oauthClientSecret: String?
    public var oauthScopes: String
    public var createdAt: Date
    public var updatedAt: Date

    /// Creates settings.
    public init(
        id: UUID = UUID(), environmentId: UUID, integrationName: String, oauthClientId: String?, oauthClientSecret: String?,
        oauthScopes: String = "read", createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.environmentId = environmentId
        self.integrationName = integrationName
        self.oauthClientId = oauthClientId
        self.oauthClientSecret = oauthClientSecret
        self.oauthScopes = oauthScopes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var stored: JSONValue {
        .object(
            commonMembers.merging([
                "integration_name": .string(integrationName),
                "oauth": [
                    "client_id": oauthClientId.map(JSONValue.string) ?? .null, "scopes": .string(oauthScopes),
                    "has_client_secret": .bool(oauthClientSecret?.isEmpty == false),
                ],
                "oauth_client_secret": oauthClientSecret.map(JSONValue.string) ?? .null,
            ])
        )
    }

    public var apiJSON: JSONValue { stored.removing(["oauth_client_secret"]) }

    public init(stored: JSONValue) throws(SyncBridgeError) {
        self = try decodeStored("environment integration", stored) { r in
            guard let c = r.common(), let name = r.string("integration_name", required: true) else { return nil }
            let oauth = stored["oauth"]
            return EnvironmentIntegration(
                id: c.id, environmentId: c.environmentId, integrationName: name, oauthClientId: oauth?["client_id"]?.stringValue,
                oauthClientSecret: stored["oauth_client_secret"]?.stringValue, oauthScopes: oauth?["scopes"]?.stringValue ?? "read",
                createdAt: c.createdAt, updatedAt: c.updatedAt
            )
        }
    }
}

import Foundation

/// A connection to one customer's account at a provider (a Zendesk instance, say).
public struct IntegratedAccount: Resource, Equatable {
    public static let resourceName = "integrated-account"

    /// Whether the account can be used.
    public enum Status: String, Sendable, CaseIterable {
        /// Created without complete credentials; waiting for them.
        case connecting
        /// Usable.
        case active
        /// The provider rejected the credentials; they must be replaced.
        case needsReauth = "needs_reauth"
    }

    public var id: UUID
    public var environmentId: UUID
    /// The integration (`zendesk`).
    public var integrationName: String
    /// The customer's own identifier for the tenant that owns the account.
    public var tenantId: String
    /// Non-secret settings (subdomain, email, base_url, …), returned by the API.
    public var context: [String: JSONValue]
    /// Secrets (api_token, access_token, …): encrypted at rest, never returned.
    public var credentials: [String: JSONValue]
    public var status: Status
    /// The last error met while using the account, for people to read.
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date

    /// Creates an account.
    public init(
        id: UUID = UUID(), environmentId: UUID, integrationName: String, tenantId: String, context: [String: JSONValue],
        credentials: [String: JSONValue], status: Status, lastError: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.environmentId = environmentId
        self.integrationName = integrationName
        self.tenantId = tenantId
        self.context = context
        self.credentials = credentials
        self.status = status
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Context keys that hold secrets: they are split off into ``credentials`` when an account is written.
    public static let secretKeys: Set<String> = [
        "api_token", "access_token", "refresh_token", "password", "client_secret", "api_key", "token", "oauth", "secret",
    ]

    /// Splits a context as given by the API into its public part and its secrets.
    public static func split(context: [String: JSONValue]) -> (context: [String: JSONValue], credentials: [String: JSONValue]) {
        var open: [String: JSONValue] = [:]
        var secret: [String: JSONValue] = [:]
        for (key, value) in context {
            if secretKeys.contains(key) { secret[key] = value } else { open[key] = value }
        }
        return (open, secret)
    }

    /// Context and credentials together, as a connector needs them.
    public var fullContext: [String: JSONValue] { context.merging(credentials) }

    /// The API form without integration-specific warnings (see ``apiJSON(warnings:)``).
    public var apiJSON: JSONValue { apiJSON(warnings: []) }

    /// The API form, with what its integration warns about (the process's integration registry knows).
    public func apiJSON(warnings: [String]) -> JSONValue {
        guard case .object(var o) = stored.removing(["credentials"]) else { return .null }
        o["integration"] = ["name": .string(integrationName)]
        o["warnings"] = .array(warnings.map(JSONValue.string))
        return .object(o)
    }

    public var stored: JSONValue {
        .object(
            commonMembers.merging([
                "integration_name": .string(integrationName),
                "tenant_id": .string(tenantId),
                "context": .object(context),
                "status": .string(status.rawValue),
                "last_error": lastError.json,
                "credentials": .object(credentials),
            ])
        )
    }

    public init(stored: JSONValue) throws(SyncBridgeError) {
        self = try decodeStored("integrated account", stored) { r in
            guard let c = r.common(), let name = r.string("integration_name", required: true),
                let tenant = r.string("tenant_id", required: true), let context = r.object("context", required: true),
                let credentials = r.object("credentials", required: true),
                let status = r.string("status", required: true).flatMap(Status.init(rawValue:))
            else { return nil }
            return IntegratedAccount(
                id: c.id, environmentId: c.environmentId, integrationName: name, tenantId: tenant, context: context,
                credentials: credentials, status: status, lastError: r.string("last_error", nonEmpty: false),
                createdAt: c.createdAt, updatedAt: c.updatedAt
            )
        }
    }
}

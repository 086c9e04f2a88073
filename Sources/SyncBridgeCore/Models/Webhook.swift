import Foundation

/// A customer endpoint that receives signed events.
public struct Webhook: Resource, Equatable {
    public static let resourceName = "webhook"

    public var id: UUID
    public var environmentId: UUID
    /// Where events are POSTed (http or https).
    public var targetURL: String
    /// Inactive webhooks receive nothing.
    public var isActive: Bool
    /// The events this webhook wants; empty means all.
    public var eventTypes: [String]
    /// The signing secret, `whsec_<base64 of 32 bytes>`; returned only when the webhook is created.
    public var secret: String
    public var createdAt: Date
    public var updatedAt: Date

    /// Creates a webhook.
    public init(
        id: UUID = UUID(), environmentId: UUID, targetURL: String, isActive: Bool, eventTypes: [String], secret: String,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.environmentId = environmentId
        self.targetURL = targetURL
        self.isActive = isActive
        self.eventTypes = eventTypes
        self.secret = secret
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// True when the webhook is active and subscribed to `event`.
    public func wants(_ event: String) -> Bool {
        isActive && (eventTypes.isEmpty || eventTypes.contains(event))
    }

    public var stored: JSONValue {
        .object(
            commonMembers.merging([
                "target_url": .string(targetURL),
                "is_active": .bool(isActive),
                "event_types": .array(eventTypes.map { .string($0) }),
                "secret": .string(secret),
            ])
        )
    }

    public var apiJSON: JSONValue { stored.removing(["secret"]) }

    public init(stored: JSONValue) throws(SyncBridgeError) {
        self = try decodeStored("webhook", stored) { r in
            guard let c = r.common(), let url = r.string("target_url", required: true),
                let active = r.bool("is_active", required: true), let types = r.stringArray("event_types", required: true),
                let secret = r.string("secret", required: true)
            else { return nil }
            return Webhook(
                id: c.id, environmentId: c.environmentId, targetURL: url, isActive: active, eventTypes: types, secret: secret,
                createdAt: c.createdAt, updatedAt: c.updatedAt
            )
        }
    }
}

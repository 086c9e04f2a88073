import Foundation

/// One event for one webhook, written in the same transaction as the change that caused it and delivered later.
///
/// The envelope (``envelope``) is exactly what the receiver gets: `{id, event, payload, environment_id, created_at,
/// webhook_id}`. Its `id` never changes across redeliveries, so receivers can deduplicate.
public struct OutboxEvent: Sendable, Equatable {
    /// Delivery state.
    public enum Status: String, Sendable, CaseIterable {
        case pending, delivered, failed
    }

    public var id: UUID
    public var environmentId: UUID
    public var webhookId: UUID
    /// The run the event belongs to; its executor delivers it in order with the run's other events.
    public var runId: UUID?
    /// The event name (`sync_job_run:started`).
    public var event: String
    public var payload: JSONValue
    public var createdAt: Date
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?

    /// Creates a pending event.
    public init(
        id: UUID = UUID(), environmentId: UUID, webhookId: UUID, runId: UUID? = nil, event: String, payload: JSONValue, createdAt: Date,
        status: Status = .pending, attempts: Int = 0, nextAttemptAt: Date? = nil, lastError: String? = nil
    ) {
        self.id = id
        self.environmentId = environmentId
        self.webhookId = webhookId
        self.runId = runId
        self.event = event
        self.payload = payload
        self.createdAt = createdAt
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }

    /// The JSON body sent to the webhook.
    public var envelope: JSONValue {
        [
            "id": .string(id.lowercased),
            "event": .string(event),
            "payload": payload,
            "environment_id": .string(environmentId.lowercased),
            "created_at": createdAt.json,
            "webhook_id": .string(webhookId.lowercased),
        ]
    }
}

import Delivery
import Foundation
import Logging
import Storage
import SyncBridgeCore

/// Delivers outbox events that no run executor owns: account events, and events of runs that have finished (a stop
/// requested through the API, a `failed` event whose delivery gave up). One attempt per event per pass; failures are
/// rescheduled with the delivery policy's backoff and marked `failed` when it gives up.
struct OutboxDispatcher: Sendable {
    let store: any Store
    let sender: WebhookSender
    let policy: RetryPolicy
    let clock: any WallClock
    /// Where each attempt's outcome is recorded (nil: nowhere).
    var health: WebhookHealth?
    let logger: Logger

    /// One pass over the due events; returns how many were attempted.
    @discardableResult
    func dispatchDue(limit: Int = 100) async throws -> Int {
        let now = clock.now()
        let due = try await store.transaction { try await $0.dueEvents(now: now, limit: limit) }
        var attempted = 0
        for candidate in due {
            try Task.checkCancellation()
            guard let event = try await claim(candidate.id) else { continue }
            attempted += 1
            let webhook = try await store.transaction {
                try await $0.fetch(Webhook.self, id: event.webhookId, environmentId: event.environmentId)
            }
            guard let webhook, webhook.wants(event.event) else {
                try await record(event, status: .failed, next: nil, error: "webhook is deleted, inactive or no longer subscribed")
                continue
            }
            let result = await sender.send(envelope: event.envelope, messageId: event.id.lowercased, to: webhook, logger: logger)
            await health?.note(result, to: webhook, logger: logger)
            if result.isSuccess {
                try await record(event, status: .delivered, next: nil, error: nil)
            } else {
                let attempts = event.attempts + 1
                let problem = AcknowledgedDelivery.describe(result)
                if attempts >= policy.maxAttempts || result.isFinal {
                    try await record(event, status: .failed, next: nil, error: problem)
                } else {
                    let wait = policy.delay(afterAttempt: attempts, retryAfter: result.retryAfter)
                    try await record(event, status: .pending, next: clock.now().addingTimeInterval(wait), error: problem)
                }
            }
        }
        return attempted
    }

    func claim(_ id: UUID) async throws -> OutboxEvent? {
        let now = clock.now()
        return try await store.transaction { try await $0.claimEvent(id: id, now: now, until: now.addingTimeInterval(120)) }
    }

    func record(_ event: OutboxEvent, status: OutboxEvent.Status, next: Date?, error: String?) async throws {
        try await store.transaction {
            try await $0.recordAttempt(eventId: event.id, status: status, attempts: event.attempts + 1, nextAttemptAt: next, lastError: error)
        }
    }
}

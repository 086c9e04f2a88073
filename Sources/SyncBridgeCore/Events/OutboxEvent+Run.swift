import Foundation

extension OutboxEvent {
    /// A lifecycle event about a run (its payload the run object) for the run's webhook; `nil` when that webhook
    /// does not want it (deleted, inactive or not subscribed).
    /// - Parameter nextAttemptAt: set when the writer delivers the event itself, so no one else sends it meanwhile.
    public static func about(
        _ run: SyncJobRun, _ event: EventType, webhook: Webhook?, now: Date, nextAttemptAt: Date? = nil
    ) -> OutboxEvent? {
        guard let webhook, webhook.wants(event.rawValue) else { return nil }
        return OutboxEvent(
            environmentId: run.environmentId, webhookId: webhook.id, runId: run.id, event: event.rawValue, payload: run.apiJSON,
            createdAt: now, nextAttemptAt: nextAttemptAt
        )
    }
}

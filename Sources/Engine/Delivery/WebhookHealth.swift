import Delivery
import Foundation
import Logging
import Storage
import SyncBridgeCore
import Synchronization

/// Keeps each webhook's failing streak: every failed attempt is recorded, and a webhook that failed every delivery
/// for ``disableAfter`` is deactivated (the store queues `webhook:disabled` for the others). Successes clear the streak,
/// written at most once a ``successInterval`` per webhook and process: the acknowledged page is the engine's hot path,
/// and a streak a minute late to clear cannot reach days. Recording never fails a delivery: a store error is logged.
struct WebhookHealth: Sendable {
    let store: any Store
    let clock: any WallClock
    /// How long every delivery must have failed before the webhook is deactivated.
    let disableAfter: TimeInterval
    /// When each webhook's last success was written (shared by every copy of this value in the process).
    let lastSuccessWritten = LastWrites()
    static let successInterval: TimeInterval = 60

    /// When successes were last written, per webhook.
    final class LastWrites: Sendable {
        private let at = Mutex<[UUID: Date]>([:])

        /// True when a success at `now` must be written (none written in the last interval); records it if so.
        func shouldWrite(_ id: UUID, now: Date, interval: TimeInterval) -> Bool {
            at.withLock { at in
                if let last = at[id], now.timeIntervalSince(last) >= 0, now.timeIntervalSince(last) < interval { return false }
                at[id] = now
                return true
            }
        }

        /// A failure was recorded: the next success is written whatever the interval.
        func forget(_ id: UUID) { _ = at.withLock { $0.removeValue(forKey: id) } }
    }

    func note(_ result: DeliveryResult, to webhook: Webhook, logger: Logger) async {
        let (id, env, ok, now, after) = (webhook.id, webhook.environmentId, result.isSuccess, clock.now(), disableAfter)
        if ok {
            guard lastSuccessWritten.shouldWrite(id, now: now, interval: Self.successInterval) else { return }
        } else {
            lastSuccessWritten.forget(id)
        }
        do {
            let disabled = try await store.transaction {
                try await $0.recordDeliveryOutcome(webhookId: id, environmentId: env, succeeded: ok, at: now, disableAfter: after)
            }
            if disabled != nil {
                logger.warning(
                    "webhook deactivated: every delivery failed for too long",
                    metadata: ["webhook_id": "\(id.lowercased)", "after_seconds": "\(after)"])
            }
        } catch {
            logger.error("could not record a delivery's outcome for the webhook", metadata: ["webhook_id": "\(id.lowercased)", "error": "\(error)"])
        }
    }
}

import Delivery
import Foundation
import Logging
import Storage
import SyncBridgeCore

/// Keeps each webhook's failing streak: every delivery attempt's outcome is recorded, and a webhook that failed every
/// delivery for ``disableAfter`` is deactivated (the store queues `webhook:disabled` for the others). Recording never
/// fails a delivery: a store error is logged.
struct WebhookHealth: Sendable {
    let store: any Store
    let clock: any WallClock
    /// How long every delivery must have failed before the webhook is deactivated.
    let disableAfter: TimeInterval

    func note(_ result: DeliveryResult, to webhook: Webhook, logger: Logger) async {
        let (id, env, ok, now, after) = (webhook.id, webhook.environmentId, result.isSuccess, clock.now(), disableAfter)
        do {
            let disabled = try await store.transaction {
                try await $0.recordDeliveryOutcome(webhookId: id, environmentId: env, succeeded: ok, at: now, disableAfter: after)
            }
            if disabled != nil {
                logger.warning("webhook deactivated: every delivery failed for too long", metadata: ["webhook_id": "\(id.lowercased)", "after_seconds": "\(after)"])
            }
        } catch {
            logger.error("could not record a delivery's outcome for the webhook", metadata: ["webhook_id": "\(id.lowercased)", "error": "\(error)"])
        }
    }
}

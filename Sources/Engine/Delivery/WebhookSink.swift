import Connectors
import Foundation
import Logging
import Storage
import SyncBridgeCore

/// The default sink: each page is a `sync_job_run:record` event, delivered to the run's webhook and acknowledged
/// (retried as the delivery policy says). The event's id is the run's and the page's sequence number, so a page sent
/// again after a resume carries the id the receiver saw.
struct WebhookSink: RecordSink {
    let delivery: AcknowledgedDelivery
    let webhook: Webhook
    let runId: UUID
    let environmentId: UUID
    let clock: any WallClock
    /// Waits longer than this park the run instead of being slept through.
    let parkAfter: TimeInterval?

    func write(_ page: SinkPage, logger: Logger) async throws(SinkError) -> SinkReceipt {
        let type = EventType.syncJobRunRecord
        guard webhook.wants(type.rawValue) else { return SinkReceipt(taken: false) }
        let id = EventIdentity.id(run: runId, sequence: page.sequence)
        let event = OutboxEvent(
            id: id, environmentId: environmentId, webhookId: webhook.id, runId: runId, event: type.rawValue, payload: page.payload,
            createdAt: clock.now()
        )
        let outcome: AcknowledgedDelivery.Outcome
        do {
            outcome = try await delivery.deliver(
                envelope: event.envelope, id: id, webhook: webhook, refusable: false, attempted: page.attempted, parkAfter: parkAfter, logger: logger
            )
        } catch {
            throw .interrupted
        }
        switch outcome {
        case .acknowledged, .refused: return SinkReceipt()
        case .exhausted(let problem): throw .failed("webhook did not acknowledge \(type.rawValue): \(problem)")
        case .aborted(let problem): throw .failed("the receiver ended delivery of \(type.rawValue) (\(problem)); nothing more is sent")
        case .parked(let until, let attempts, let problem):
            throw .retryLater(until: until, attempts: attempts, reason: "webhook did not acknowledge \(type.rawValue): \(problem)")
        }
    }
}

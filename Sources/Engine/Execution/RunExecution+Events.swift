import Connectors
import Foundation
import Storage
import SyncBridgeCore

/// Events the executor sends itself (pages, fetch errors, rate limits) and the checkpoint saved after each.
extension RunExecution {
    /// `{sync_job_run_id, sync_job_id, integrated_account_id}` plus `extra`.
    func payload(_ extra: [String: JSONValue]) -> JSONValue {
        var o: [String: JSONValue] = [
            "sync_job_run_id": .string(run.id.lowercased),
            "sync_job_id": .string(run.settings.syncJobId.lowercased),
            "integrated_account_id": .string(run.settings.integratedAccountId.lowercased),
        ]
        o.merge(extra) { _, new in new }
        return .object(o)
    }

    /// Sends an event and waits for the acknowledgement, then marks the position for saving. Events the webhook does
    /// not want are skipped (the position is still saved).
    func send(_ type: EventType, _ payload: JSONValue) async throws {
        // The previous page's checkpoint must be durable before the next event goes out: at most one page is ever
        // sent twice.
        try await flushSave()
        if prepared.webhook.wants(type.rawValue) {
            let id = EventIdentity.id(run: run.id, sequence: position.acknowledged)
            let event = OutboxEvent(id: id, environmentId: env, webhookId: prepared.webhook.id, runId: run.id, event: type.rawValue, payload: payload, createdAt: now)
            let outcome = try await services.delivery.deliver(envelope: event.envelope, id: id, webhook: prepared.webhook, refusable: false, logger: logger)
            switch outcome {
            case .exhausted(let problem): throw RunInterruption.failed("webhook did not acknowledge \(type.rawValue): \(problem)")
            case .aborted(let problem): throw RunInterruption.failed("the receiver ended delivery of \(type.rawValue) (\(problem)); nothing more is sent")
            case .acknowledged, .refused: break
            }
            position.acknowledged += 1
        }
        unsaved = saving()
    }

    /// Writes a page to the run's sink (the webhook's `sync_job_run:record`, or the destination) and waits until it is
    /// acknowledged, then marks the position for saving.
    func write(_ page: RunWalker.Delivery, payload: JSONValue) async throws {
        try await flushSave()
        let resource = prepared.job.resources[page.resource].resource
        let sinkPage = SinkPage(resource: resource, records: page.records, payload: payload, sequence: position.acknowledged, mayRepeat: sinkMayHavePage)
        let receipt: SinkReceipt
        do throws(SinkError) {
            receipt = try await prepared.sink.write(sinkPage, logger: logger)
        } catch {
            switch error {
            case .interrupted: throw CancellationError()
            case .failed(let message): throw RunInterruption.failed(message)
            }
        }
        sinkMayHavePage = false
        for (key, n) in receipt.counts.sorted(by: { $0.key < $1.key }) { count(resource, key, n) }
        if receipt.taken { position.acknowledged += 1 }
        unsaved = saving()
    }

    /// Saves the position, the statistics and the status, and renews the lease; notices a stop requested meanwhile.
    func save() async throws {
        try await flushSave()
        try await saving()()
    }

    /// Makes the checkpoint of the last acknowledged event durable, if it is not yet; rethrows its failure (a stop
    /// request, a lost lease).
    func flushSave() async throws {
        guard let pending = unsaved else { return }
        unsaved = nil
        try await pending()
    }

    /// The save of the current position and statistics, captured now.
    func saving() -> @Sendable () async throws -> Void {
        let (run, owner, until, now) = (self.run, services.configuration.workerId, services.leaseUntil, self.now)
        let checkpoint = position.json
        let store = self.store
        return {
            var progress = run
            progress.updatedAt = now
            let outcome = try await store.transaction { try await $0.saveProgress(progress, checkpoint: checkpoint, owner: owner, leaseUntil: until) }
            switch outcome {
            case .saved: return
            case .stopped: throw RunInterruption.stopped
            case .leaseLost: throw RunInterruption.leaseLost
            }
        }
    }

    /// Adds to one of a resource's counters (`fetched`, `delivered`, `pages`, `errors`).
    func count(_ resource: String, _ key: String, _ n: Int = 1) {
        var entry = run.resourceStats[resource]?.objectValue ?? ["fetched": 0, "delivered": 0, "pages": 0, "errors": 0]
        entry[key] = .number((entry[key]?.numberValue ?? 0) + Double(n))
        run.resourceStats[resource] = .object(entry)
    }
}

import Connectors
import Foundation
import Logging
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
    func send(_ type: EventType, _ payload: JSONValue, createdAt: Date? = nil) async throws {
        // The previous page's checkpoint must be durable before the next event goes out: at most one page is ever
        // sent twice.
        try await flushSave()
        if prepared.webhook.wants(type.rawValue) {
            let id = EventIdentity.id(run: run.id, sequence: position.acknowledged)
            let event = OutboxEvent(
                id: id, environmentId: env, webhookId: prepared.webhook.id, runId: run.id, event: type.rawValue, payload: payload,
                createdAt: createdAt ?? now)
            let outcome = try await services.delivery.deliver(
                envelope: event.envelope, id: id, webhook: prepared.webhook, refusable: false, attempted: position.deliveryAttempts,
                parkAfter: services.configuration.parkAfter, logger: logger
            )
            switch outcome {
            case .exhausted(let problem): throw RunInterruption.failed("webhook did not acknowledge \(type.rawValue): \(problem)")
            case .aborted(let problem):
                throw RunInterruption.failed("the receiver ended delivery of \(type.rawValue) (\(problem)); nothing more is sent")
            case .parked(let until, let attempts, let problem):
                throw RunInterruption.parked(until: until, attempts: attempts, problem: "webhook did not acknowledge \(type.rawValue): \(problem)")
            case .acknowledged, .refused: break
            }
            position.acknowledged += 1
            position.deliveryAttempts = 0
        }
        unsaved = saving()
    }

    /// Writes a page to the run's sink (the webhook's `sync_job_run:record`, or the destination) and waits until it is
    /// acknowledged, then marks the position for saving.
    func write(_ page: RunWalker.Delivery, payload: JSONValue) async throws {
        try await flushSave()
        let resource = prepared.job.resources[page.resource].resource
        let sinkPage = SinkPage(
            resource: resource, records: page.records, payload: payload, sequence: position.acknowledged, mayRepeat: sinkMayHavePage,
            attempted: position.deliveryAttempts
        )
        let receipt: SinkReceipt
        do throws(SinkError) {
            receipt = try await prepared.sink.write(sinkPage, logger: logger)
        } catch {
            switch error {
            case .interrupted: throw CancellationError()
            case .failed(let message): throw RunInterruption.failed(message)
            case .retryLater(let until, let attempts, let reason): throw RunInterruption.parked(until: until, attempts: attempts, problem: reason)
            }
        }
        sinkMayHavePage = false
        position.deliveryAttempts = 0
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
        savedPosition = position
        let checkpoint = position.json
        let store = self.store
        return {
            var progress = run
            progress.updatedAt = now
            let outcome = try await store.transaction { try await $0.saveProgress(progress, checkpoint: checkpoint, owner: owner, leaseUntil: until) }
            try Self.check(outcome)
        }
    }

    /// Parks the run: `waiting_for_webhook` until `until`, the reason in `error`, the attempts kept in the checkpoint,
    /// and the lease given up in the same statement — the run holds no lease and no worker slot until it is due.
    func park(until: Date, attempts: Int, problem: String) async throws {
        // Parked where the run resumes: the last acknowledged position (made durable first), not a page fetched and
        // still undelivered.
        try await flushSave()
        position = savedPosition
        position.deliveryAttempts = attempts
        run.status = .waitingForWebhook
        run.nextAttemptAt = until
        run.error = "waiting for the webhook: \(problem); next attempt at \(Timestamp.format(until))"
        run.updatedAt = now
        let (progress, checkpoint, owner) = (run, position.json, services.configuration.workerId)
        let outcome = try await store.transaction { try await $0.saveProgress(progress, checkpoint: checkpoint, owner: owner, leaseUntil: nil) }
        try Self.check(outcome)
        logger.notice(
            "run parked until its webhook's next attempt", metadata: ["next_attempt_at": "\(Timestamp.format(until))", "attempts": "\(attempts)"])
    }

    /// A parked run taken up again: running, its reason cleared, saved at once (the lease is this process's now).
    func unpark() async throws {
        run.status = .running
        run.nextAttemptAt = nil
        run.error = nil
        try await save()
    }

    /// Throws what a save that did not happen means.
    static func check(_ outcome: ProgressSave) throws {
        switch outcome {
        case .saved: return
        case .stopped: throw RunInterruption.stopped
        case .leaseLost: throw RunInterruption.leaseLost
        }
    }

    /// Adds to one of a resource's counters (`fetched`, `delivered`, `pages`, `errors`).
    func count(_ resource: String, _ key: String, _ n: Int = 1) {
        var entry = run.resourceStats[resource]?.objectValue ?? ["fetched": 0, "delivered": 0, "pages": 0, "errors": 0]
        entry[key] = .number((entry[key]?.numberValue ?? 0) + Double(n))
        run.resourceStats[resource] = .object(entry)
    }
}

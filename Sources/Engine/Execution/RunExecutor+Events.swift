import Connectors
import Foundation
import Storage
import SyncBridgeCore

/// Events the executor sends itself (pages, fetch errors, rate limits) and the checkpoint saved after each.
extension RunExecutor {
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

    /// Sends an event and waits for the acknowledgement, then saves the position. Events the webhook does not want
    /// are skipped (the position is still saved).
    func send(_ type: EventType, _ payload: JSONValue) async throws {
        // The previous page's checkpoint must be durable before the next page goes out: at most one page is ever
        // sent twice.
        try await flushSave()
        if type == .syncJobRunRecord, let destination {
            try await write(payload, to: destination)
            position.acknowledged += 1
            try await saveInBackground()
            return
        }
        if webhook.wants(type.rawValue) {
            let id = EventIdentity.id(run: run.id, sequence: position.acknowledged)
            let event = OutboxEvent(id: id, environmentId: env, webhookId: webhook.id, runId: run.id, event: type.rawValue, payload: payload, createdAt: now)
            let outcome = try await services.delivery.deliver(envelope: event.envelope, id: id, webhook: webhook, refusable: false, logger: logger)
            switch outcome {
            case .exhausted(let problem): throw RunInterruption.failed("webhook did not acknowledge \(type.rawValue): \(problem)")
            case .aborted(let problem): throw RunInterruption.failed("the receiver ended delivery of \(type.rawValue) (\(problem)); nothing more is sent")
            case .acknowledged, .refused: break
            }
            position.acknowledged += 1
        }
        try await saveInBackground()
    }

    /// Writes a page's records to the run's destination; the page counts as acknowledged only once all are written.
    func write(_ payload: JSONValue, to destination: ZendeskTicketImport) async throws {
        let resource = payload["resource"]?.stringValue ?? ""
        do throws(ConnectorError) {
            let outcome = try await destination.write(payload["records"]?.arrayValue ?? [], skipExisting: destinationMayHavePage, logger: logger)
            destinationMayHavePage = false
            count(resource, "written", outcome.written)
            if outcome.skipped > 0 {
                count(resource, "already_written", outcome.skipped)
                logger.notice("page written again after a resume: tickets already in the destination skipped", metadata: ["skipped": "\(outcome.skipped)"])
            }
        } catch {
            throw RunInterruption.failed("destination write failed: \(error.message)")
        }
    }

    /// Saves the position, the statistics and the status, and renews the lease; notices a stop requested meanwhile.
    func save() async throws {
        try await flushSave()
        try await saving()()
    }

    /// Starts saving while the caller goes on (the next page is fetched during the commit); ``flushSave()`` waits
    /// for it. Nothing is sent before the save it follows is durable.
    func saveInBackground() async throws {
        try await flushSave()
        let operation = saving()
        pendingSave = Task { try await operation() }
    }

    /// Waits for a save started in the background, rethrowing its failure (a stop request, a lost lease).
    func flushSave() async throws {
        guard let pending = pendingSave else { return }
        pendingSave = nil
        try await pending.value
    }

    /// The save of the current position and statistics, captured now.
    func saving() -> @Sendable () async throws -> Void {
        let (env, runId, owner, until, now) = (self.env, run.id, services.configuration.workerId, services.leaseUntil, self.now)
        let (stats, status, checkpoint) = (run.resourceStats, run.status, position.json)
        let store = self.store
        return { try await Self.save(store: store, env: env, runId: runId, owner: owner, until: until, now: now, stats: stats, status: status, checkpoint: checkpoint) }
    }

    static func save(
        store: any Store, env: UUID, runId: UUID, owner: String, until: Date, now: Date, stats: [String: JSONValue], status: SyncJobRun.Status,
        checkpoint: JSONValue
    ) async throws {
        try await store.transaction { s in
            guard var current = try await s.fetch(SyncJobRun.self, id: runId, environmentId: env, forUpdate: true) else {
                throw RunInterruption.stopped
            }
            if current.status == .stopped || current.status.isFinished { throw RunInterruption.stopped }
            guard try await s.renewLease(runId: runId, owner: owner, until: until) else { throw RunInterruption.leaseLost }
            current.resourceStats = stats
            current.status = status
            current.updatedAt = now
            try await s.update(current)
            try await s.setCheckpoint(runId: runId, checkpoint)
        }
    }

    /// Adds to one of a resource's counters (`fetched`, `delivered`, `pages`, `errors`).
    func count(_ resource: String, _ key: String, _ n: Int = 1) {
        var entry = run.resourceStats[resource]?.objectValue ?? ["fetched": 0, "delivered": 0, "pages": 0, "errors": 0]
        entry[key] = .number((entry[key]?.numberValue ?? 0) + Double(n))
        run.resourceStats[resource] = .object(entry)
    }
}

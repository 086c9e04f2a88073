import Connectors
import Delivery
import Foundation
import Logging
import Storage
import SyncBridgeCore

/// Status changes and the lifecycle events that go with them (written to the outbox with the change, then sent).
extension RunExecution {
    /// created → running: fixes each resource's `previous_run_date` (its watermark, less the connector's
    /// ``Connector/changeVisibilityLag``), stamps `started_at`, queues `sync_job_run:started`.
    func start() async throws {
        let (env, settings, now, runId) = (self.env, run.settings, self.now, run.id)
        let (marks, legacy) = try await store.transaction { s in
            let marks = try await s.resourceWatermarks(
                syncJobId: settings.syncJobId, integratedAccountId: settings.integratedAccountId, environmentId: env)
            // No watermarks yet: the runs before them moved one mark for the whole job.
            let legacy =
                marks.isEmpty
                ? try await s.lastCompletedRunStart(
                    syncJobId: settings.syncJobId, integratedAccountId: settings.integratedAccountId, environmentId: env)
                : nil
            return (marks, legacy)
        }
        let lag = prepared.connector.changeVisibilityLag
        var watermarks: [String: String] = [:]
        var dates: [String: String] = [:]
        for step in prepared.job.resources {
            let mark: Date? = marks.isEmpty ? legacy : (marks[step.resource] ?? nil)
            if let mark { watermarks[step.resource] = Timestamp.format(mark) }
            let date = settings.ignorePreviousRun ? nil : mark
            dates[step.resource] = date.map { Timestamp.format($0.addingTimeInterval(-lag)) } ?? Timestamp.distantPastString
        }
        position = RunPosition(
            previousRunDate: dates.values.min() ?? Timestamp.distantPastString, previousRunDates: dates, watermarks: watermarks
        )
        run.status = .running
        run.startedAt = now
        run.updatedAt = now
        savedPosition = position
        let (updated, checkpoint) = (run, position.json)
        let event = OutboxEvent.about(run, .syncJobRunStarted, webhook: prepared.webhook, now: now)
        try await store.transaction { s in
            guard let current = try await s.fetch(SyncJobRun.self, id: runId, environmentId: env, forUpdate: true),
                current.status == .created
            else { throw RunInterruption.stopped }
            try await s.update(updated)
            try await s.setCheckpoint(runId: runId, checkpoint)
            if let event { try await s.enqueue([event]) }
        }
        logger.info("run started", metadata: ["previous_run_dates": "\(position.previousRunDates ?? [:])"])
    }

    /// Sends the run's undelivered lifecycle events in order (`created`, `started`, a resume's `updated`), waiting for
    /// each acknowledgement. A 400 to `started` stops the run before anything is fetched.
    func deliverPendingLifecycle() async throws {
        let runId = run.id
        let pending = try await store.transaction { try await $0.pendingEvents(runId: runId) }
        for event in pending {
            let until = services.leaseUntil
            guard let claimed = try await store.transaction({ try await $0.claimEvent(id: event.id, now: .distantFuture, until: until) }) else {
                continue
            }
            let refusable = claimed.event == EventType.syncJobRunStarted.rawValue
            let outcome = try await services.delivery.deliver(
                envelope: claimed.envelope, id: claimed.id, webhook: prepared.webhook, refusable: refusable, attempted: claimed.attempts,
                parkAfter: services.configuration.parkAfter, logger: logger
            )
            switch outcome {
            case .acknowledged:
                try await markDelivered(claimed)
            case .refused(let answer):
                try await markDelivered(claimed)
                try await stopRefused(answer)
            case .exhausted(let problem):
                try await record(claimed, status: .failed, error: problem)
                throw RunInterruption.failed("webhook did not acknowledge \(claimed.event): \(problem)")
            case .aborted(let problem):
                try await record(claimed, status: .failed, error: problem)
                throw RunInterruption.failed("the receiver ended delivery of \(claimed.event) (\(problem)); nothing more is sent")
            case .parked(let until, let attempts, let problem):
                // The event keeps its attempts and comes due with the run.
                try await store.transaction {
                    try await $0.recordAttempt(eventId: claimed.id, status: .pending, attempts: attempts, nextAttemptAt: until, lastError: problem)
                }
                throw RunInterruption.parked(
                    until: until, attempts: position.deliveryAttempts, problem: "webhook did not acknowledge \(claimed.event): \(problem)")
            }
        }
    }

    /// The receiver answered 400 to `started`: the run ends `stopped`, with the answer as the reason.
    func stopRefused(_ answer: String) async throws {
        let (env, runId, now) = (self.env, run.id, self.now)
        let reason = "webhook refused sync_job_run:started (\(answer))"
        try await store.transaction { s in
            guard var current = try await s.fetch(SyncJobRun.self, id: runId, environmentId: env, forUpdate: true) else { return }
            current.status = .stopped
            current.error = reason
            current.finishedAt = now
            current.updatedAt = now
            try await s.update(current)
        }
        logger.notice("run stopped by the receiver", metadata: ["answer": "\(answer)"])
        throw RunInterruption.stopped
    }

    /// running → completed | failed, with the matching event. A run already finished (stopped meanwhile) is left as is.
    /// A completed run moves the watermark of each resource that completed cleanly (``ResourceCompletion``) to its
    /// `started_at`, in the same transaction; the others keep theirs, and `error` says which they are.
    func finish(_ status: SyncJobRun.Status, error: String?) async throws {
        var (error, stats) = (error, run.resourceStats)
        var marks: [String: Date?]?
        if status == .completed {
            let (resources, graph) = (prepared.job.resources, prepared.graph)
            let incomplete = ResourceCompletion.incomplete(resources: resources, graph: graph, stats: stats)
            error = error ?? ResourceCompletion.summary(incomplete, resources: resources, stats: stats)
            // Marks are kept by resource name: two resources of one name share one, which moves only when both are clean.
            let dirty = Set(incomplete.map { resources[$0].resource })
            var next: [String: Date?] = [:]
            for name in Set(resources.map(\.resource)) {
                let clean = !dirty.contains(name)
                next[name] = clean ? run.startedAt : position.watermarks[name].flatMap(Timestamp.parse)
                if var entry = stats[name]?.objectValue {
                    entry["complete"] = .bool(clean)
                    stats[name] = .object(entry)
                }
            }
            marks = next
        }
        let (now, webhook) = (self.now, prepared.webhook)
        let finished = try await RunEnding.record(
            store: store, run: run, status: status, error: error, stats: stats, marks: marks, webhook: webhook, now: now,
            claimUntil: services.leaseUntil
        )
        guard let (updated, event) = finished else { return }
        run = updated
        guard let event else { return }
        // One attempt now; the outbox dispatcher retries with backoff if the receiver is away.
        let result = await services.sender.send(envelope: event.envelope, messageId: event.id.lowercased, to: webhook, logger: logger)
        await services.health.note(result, to: webhook, logger: logger)
        if result.isSuccess {
            try await markDelivered(event)
        } else {
            let wait = services.configuration.delivery.delay(afterAttempt: 1, retryAfter: result.retryAfter)
            let problem = AcknowledgedDelivery.describe(result)
            try await store.transaction {
                try await $0.recordAttempt(
                    eventId: event.id, status: .pending, attempts: 1, nextAttemptAt: now.addingTimeInterval(wait), lastError: problem)
            }
        }
    }

    func markDelivered(_ event: OutboxEvent) async throws {
        try await record(event, status: .delivered, error: nil)
    }

    func record(_ event: OutboxEvent, status: OutboxEvent.Status, error: String?) async throws {
        try await store.transaction {
            try await $0.recordAttempt(eventId: event.id, status: status, attempts: event.attempts + 1, nextAttemptAt: nil, lastError: error)
        }
    }
}

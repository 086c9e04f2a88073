import Foundation
import Logging
import Runs
import ServiceLifecycle
import Storage
import SyncBridgeCore

/// Turns push notifications into runs: a push trigger whose burst of notifications has gone quiet for its debounce
/// time (or has waited its maximum delay), or whose safety-net cron is due, gets one run of its job. Only due
/// triggers are read (an indexed `due_at`), so the cost does not grow with the number of triggers.
///
/// A burst coalesces into a run that has not started yet: when one is already queued for the job and account, it
/// will fetch these changes too, so no second run is created. Several schedulers may share a database (due
/// triggers are locked with `FOR UPDATE SKIP LOCKED` on PostgreSQL).
public struct PushScheduler: Service {
    let store: any Store
    let clock: any WallClock
    /// Where the runs it fires come from.
    let runs: RunFactory
    let pollInterval: Duration
    let logger: Logger

    public init(
        store: any Store, runs: RunFactory, clock: any WallClock = SystemWallClock(), pollInterval: Duration = .milliseconds(200), logger: Logger
    ) {
        self.store = store
        self.clock = clock
        self.runs = runs
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    do {
                        try await self.tick()
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        self.logger.error("push scheduling failed", metadata: ["error": "\(error)"])
                    }
                    try await Task.sleep(for: self.pollInterval)
                }
            }
        } catch is CancellationError {
            logger.info("push scheduler stopped")
        }
    }

    /// What happened to one due trigger.
    public struct Outcome: Sendable, Equatable {
        public var triggerId: UUID
        /// `notification` or `safety_net`.
        public var reason: String
        /// The run created; nil when coalesced into a queued run or skipped.
        public var runId: UUID?
        /// Why no run was created, if none was.
        public var skipped: String?
    }

    /// Handles every due trigger (one batch).
    @discardableResult
    public func tick() async throws -> [Outcome] {
        let now = clock.now()
        let outcomes = try await store.transaction { session -> [Outcome] in
            var out: [Outcome] = []
            for trigger in try await session.duePushTriggers(now: now, limit: 100) {
                if let outcome = try await handle(trigger, now: now, session: session) { out.append(outcome) }
            }
            return out
        }
        for o in outcomes {
            logger.info(
                "push trigger fired",
                metadata: [
                    "sync_job_push_trigger_id": "\(o.triggerId.lowercased)", "reason": "\(o.reason)",
                    "sync_job_run_id": "\(o.runId?.lowercased ?? "")", "skipped": "\(o.skipped ?? "")",
                ]
            )
        }
        return outcomes
    }

    func handle(_ trigger: SyncJobPushTrigger, now: Date, session: any StoreSession) async throws -> Outcome? {
        var t = trigger
        var reason: String?
        if let deadline = t.runDeadline, deadline <= now { reason = "notification" }
        if let safety = t.nextSafetyNetAt, safety <= now {
            reason = reason ?? "safety_net"
            let failures = FailureCollector()
            t.nextSafetyNetAt = CronSchedule.read(expression: t.safetyNetCron, timezone: nil, failures: failures)?.next(after: now)
        }
        var outcome: Outcome?
        if let reason {
            var result = Outcome(triggerId: t.id, reason: reason)
            if let skip = try await coalesced(t, session: session) {
                result.skipped = skip
            } else {
                switch try await runs.create(t.settings, environmentId: t.environmentId, session: session, now: now) {
                case .success(let run):
                    result.runId = run.id
                    t.runsCreated += 1
                    t.lastRunId = run.id
                case .failure(let refusal):
                    result.skipped = refusal.reason
                }
            }
            t.pendingSince = nil
            outcome = result
        }
        t.reschedule()
        t.updatedAt = now
        try await session.update(t)
        return outcome
    }

    /// A queued run already covers the changes: the notification is coalesced into it.
    func coalesced(_ t: SyncJobPushTrigger, session: any StoreSession) async throws -> String? {
        let s = t.settings
        let queued = try await session.count(
            SyncJobRun.self, environmentId: t.environmentId,
            where: [
                "sync_job_id": s.syncJobId.lowercased, "integrated_account_id": s.integratedAccountId.lowercased,
                "status": SyncJobRun.Status.created.rawValue,
            ]
        )
        return queued > 0 ? "coalesced into the run already queued" : nil
    }
}

import Foundation
import Logging
import Runs
import ServiceLifecycle
import Storage
import SyncBridgeCore

/// Fires cron triggers: finds the due ones by their indexed next fire time (never scanning every trigger), creates a
/// run per fire, and sleeps until the earliest next fire (at most ``pollInterval``, so new triggers are noticed).
///
/// Any number of schedulers may share a database: due triggers are claimed with `FOR UPDATE SKIP LOCKED` on
/// PostgreSQL (SQLite serializes writers), and each (trigger, slot) is recorded under a unique key, so a slot fires
/// once. Slots missed while nothing ran are caught up with one run, not one per slot.
public struct CronScheduler: Service {
    let store: any Store
    let clock: any WallClock
    /// Where the runs it fires come from.
    let runs: RunFactory
    let pollInterval: Duration
    let logger: Logger

    public init(
        store: any Store, runs: RunFactory, clock: any WallClock = SystemWallClock(), pollInterval: Duration = .milliseconds(250), logger: Logger
    ) {
        self.store = store
        self.clock = clock
        self.runs = runs
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.loop() }
        } catch is CancellationError {
            logger.info("scheduler stopped")
        }
    }

    func loop() async throws {
        logger.info("scheduler started")
        while true {
            try Task.checkCancellation()
            var fired = 0
            do {
                fired = try await tick()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.error("scheduling failed", metadata: ["error": "\(error)"])
            }
            // A full batch means more may be due: go again at once.
            if fired >= Self.batch { continue }
            var wait = pollInterval
            if let earliest = try? await store.transaction({ try await $0.earliestFireTime() }) {
                let until = earliest.timeIntervalSince(clock.now())
                // Past due but nothing fired: another scheduler holds it, or the tick failed; wait the poll interval.
                if until > 0 { wait = min(wait, .milliseconds(Int64(until * 1000) + 1)) } else if fired > 0 { wait = .milliseconds(1) }
            }
            try await Task.sleep(for: wait)
        }
    }

    static let batch = 100

    /// Fires every due trigger (one batch); returns how many fires it recorded.
    @discardableResult
    public func tick() async throws -> Int {
        let now = clock.now()
        let fires = try await store.transaction { session -> [CronFire] in
            var out: [CronFire] = []
            for trigger in try await session.dueTriggers(now: now, limit: Self.batch) {
                out.append(try await fire(trigger, now: now, session: session))
            }
            return out
        }
        for f in fires {
            logger.info(
                "cron trigger fired",
                metadata: [
                    "sync_job_cron_trigger_id": "\(f.triggerId.lowercased)", "scheduled_at": "\(Timestamp.format(f.scheduledAt))",
                    "outcome": "\(f.outcome.rawValue)", "reason": "\(f.reason ?? "")",
                ]
            )
        }
        return fires.count
    }

    /// One fire: a run (or a recorded skip) for the trigger's due slot, and its next slot after now.
    func fire(_ trigger: SyncJobCronTrigger, now: Date, session: any StoreSession) async throws -> CronFire {
        var trigger = trigger
        let slot = trigger.nextFireAt ?? now
        let env = trigger.environmentId
        let failures = FailureCollector()
        let schedule = CronSchedule.read(expression: trigger.cronExpression, timezone: trigger.timezone, failures: failures)
        var runId: UUID?
        var reason: String?
        if trigger.overlap == .skip, try await session.hasUnfinishedRun(cronTriggerId: trigger.id, environmentId: env) {
            reason = "the previous run of this trigger is still running"
        } else {
            switch try await runs.create(trigger.settings, environmentId: env, cronTriggerId: trigger.id, session: session, now: now) {
            case .success(let run): runId = run.id
            case .failure(let refusal): reason = refusal.reason
            }
        }
        if schedule == nil { reason = reason ?? "invalid schedule: \(failures.failures.map(\.message).joined(separator: "; "))" }
        let fire = CronFire(
            triggerId: trigger.id, environmentId: env, scheduledAt: slot, outcome: runId == nil ? .skipped : .fired, runId: runId,
            reason: reason, firedAt: now
        )
        try await session.recordFire(fire)
        trigger.lastFiredAt = slot
        // Missed slots are not replayed: the next fire is the first slot after now.
        trigger.nextFireAt = schedule?.next(after: now)
        if trigger.nextFireAt == nil { trigger.status = .paused }
        trigger.updatedAt = now
        try await session.update(trigger)
        return fire
    }
}

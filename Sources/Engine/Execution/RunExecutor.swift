import Connectors
import Foundation
import Logging
import Storage
import SyncBridgeCore

/// One claim of a run: keeps its lease renewed, loads what it refers to (``PreparedRun``), executes it
/// (``RunExecution``) and gives the lease up. A run whose references are gone fails with the reason.
struct RunExecutor: Sendable {
    let run: SyncJobRun
    let services: EngineServices
    let logger: Logger

    init(run: SyncJobRun, services: EngineServices, logger: Logger) {
        self.run = run
        self.services = services
        var logger = logger
        logger[metadataKey: "sync_job_run_id"] = "\(run.id.lowercased)"
        self.logger = logger
    }

    /// The run was claimed `claims` times in a row and every process executing it ended before its checkpoint moved:
    /// it crashes the engine. It fails now, with the reason, instead of taking every restart down with it.
    func quarantine(claims: Int) async {
        let reason =
            "quarantined: the run was taken up \(claims) times in a row and each time the process executing it died "
            + "before it made progress (it crashes the engine); resume it once the cause is fixed"
        logger.critical("run quarantined", metadata: ["claims_without_progress": "\(claims)"])
        do {
            let prepared = try await PreparedRun.load(run, services: services)
            try? await RunExecution(run: run, prepared: prepared, services: services, logger: logger).finishLogged(.failed, error: reason)
        } catch {
            logger.warning("quarantined run's references are incomplete", metadata: ["error": "\(error)"])
            await failUnprepared(reason)
        }
        await releaseLease()
    }

    /// What ended one of the executor's tasks.
    private enum Ended: Sendable {
        case executed
        case stopped
        case watcherEnded
    }

    /// Runs to the end (or until interrupted), then gives up the lease. Beside the execution, one task keeps the
    /// lease renewed through long waits, and another cancels the execution as soon as the run is stopped, so that a
    /// stop takes effect within ``EngineConfiguration/stopCheckInterval`` whatever the run is doing.
    func execute() async {
        let (store, id, env, owner) = (services.store, run.id, run.environmentId, services.configuration.workerId)
        let (lease, stopCheck, clock) = (services.configuration.leaseDuration, services.configuration.stopCheckInterval, services.clock)
        await withTaskGroup(of: Ended.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await clock.sleep(for: .seconds(lease / 3))
                    if Task.isCancelled { break }
                    _ = try? await store.transaction {
                        try await $0.renewLease(runId: id, owner: owner, until: clock.now().addingTimeInterval(lease))
                    }
                }
                return .watcherEnded
            }
            group.addTask {
                while !Task.isCancelled {
                    guard (try? await clock.sleep(for: stopCheck)) != nil else { break }
                    let current = try? await store.transaction { try await $0.fetch(SyncJobRun.self, id: id, environmentId: env, forUpdate: false) }
                    if current?.status == .stopped { return .stopped }
                }
                return .watcherEnded
            }
            group.addTask {
                do {
                    let prepared = try await PreparedRun.load(run, services: services)
                    await RunExecution(run: run, prepared: prepared, services: services, logger: logger).perform()
                } catch is CancellationError {
                    logger.info("run interrupted before it started")
                } catch {
                    let reason = (error as? RunInterruption).flatMap { if case .failed(let r) = $0 { r } else { nil } } ?? "internal error: \(error)"
                    await failUnprepared(reason)
                }
                return .executed
            }
            while let ended = await group.next() {
                if ended == .stopped { logger.info("run stopped; its execution is cancelled") }
                if ended != .watcherEnded { break }
            }
            group.cancelAll()
        }
        await releaseLease()
    }

    /// The run cannot even be prepared (its job, account or webhook is gone): it fails, with no event (there may be
    /// no webhook to send it to).
    func failUnprepared(_ reason: String) async {
        logger.notice("run ended", metadata: ["status": "failed", "error": "\(reason)"])
        do {
            _ = try await RunEnding.record(
                store: services.store, run: run, status: .failed, error: reason, stats: run.resourceStats, marks: nil, webhook: nil,
                now: services.clock.now(), claimUntil: services.leaseUntil
            )
        } catch {
            logger.error("could not record the run's failure", metadata: ["error": "\(error)"])
        }
    }

    /// Gives up the lease, even when the task was cancelled (shutdown): the next process must not wait for it to lapse.
    func releaseLease() async {
        let (store, id, owner) = (services.store, run.id, services.configuration.workerId)
        do {
            try await Task.detached { try await store.transaction { try await $0.releaseLease(runId: id, owner: owner) } }.value
        } catch {
            logger.error("could not release the run's lease", metadata: ["error": "\(error)"])
        }
    }
}

import Connectors
import Foundation
import Logging
import Storage
import SyncBridgeCore

/// Executes one prepared run from where it stands to its end: `started`, the walk (``RunWalker``) with a page per
/// `record` event, then `completed` or `failed`. Confined to the task that calls ``perform()``.
final class RunExecution {
    let prepared: PreparedRun
    let services: EngineServices
    let logger: Logger
    var run: SyncJobRun
    /// The checkpoint: the walk's frames, the count of acknowledged events, the run's dates and watermarks.
    var position = RunPosition(previousRunDate: Timestamp.distantPastString)
    /// The last position handed to a save: where the run resumes. (``position`` may already hold a page fetched and
    /// not yet acknowledged.)
    var savedPosition = RunPosition(previousRunDate: Timestamp.distantPastString)
    var compiledQueries: [String: QueryExpression] = [:]
    /// A resumed run's first page may already be at the sink: the sink is told so.
    var sinkMayHavePage = false
    /// The save of the last acknowledged page's checkpoint, not made yet: it runs beside the next provider request,
    /// and always before the next event goes out (``flushSave()``).
    var unsaved: (@Sendable () async throws -> Void)?
    /// Rate limits waited out so far: a throttled answer to a request made ahead of an earlier wait is stale.
    var rateLimitWaits = 0

    init(run: SyncJobRun, prepared: PreparedRun, services: EngineServices, logger: Logger) {
        self.run = run
        self.prepared = prepared
        self.services = services
        self.logger = logger
    }

    var store: any Store { services.store }
    var now: Date { services.clock.now() }
    var env: UUID { run.environmentId }

    /// Start (or resume), walk, finish. Every error ends here: recorded on the run, or left for the next process.
    func perform() async {
        do {
            let runId = run.id
            if let saved = RunPosition(try await store.transaction({ try await $0.checkpoint(runId: runId) })) {
                position = saved
                savedPosition = saved
                sinkMayHavePage = !saved.frames.isEmpty
            }
            if run.status == .created { try await start() }
            if run.status == .waitingForWebhook { try await unpark() }
            try await deliverPendingLifecycle()
            try await walk()
            try await flushSave()
            try await finish(.completed, error: nil)
        } catch let interruption as RunInterruption {
            switch interruption {
            case .stopped: logger.info("run stopped")
            case .leaseLost: logger.warning("lease lost; another worker continues the run")
            case .failed(let reason): try? await finishLogged(.failed, error: reason)
            case .parked(let until, let attempts, let problem):
                do {
                    try await park(until: until, attempts: attempts, problem: problem)
                } catch {
                    logger.warning("could not park the run; it resumes from its checkpoint", metadata: ["error": "\(error)"])
                }
            }
        } catch is CancellationError {
            logger.info("run interrupted; it resumes from its checkpoint")
        } catch {
            logger.error("run failed", metadata: ["error": "\(error)"])
            try? await finishLogged(.failed, error: "internal error: \(error)")
        }
    }

    func finishLogged(_ status: SyncJobRun.Status, error: String?) async throws {
        logger.notice("run ended", metadata: ["status": "\(status.rawValue)", "error": "\(error ?? "")"])
        try await finish(status, error: error)
    }
}

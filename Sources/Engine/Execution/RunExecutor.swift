import Connectors
import Foundation
import Logging
import Storage
import SyncBridgeCore

/// Executes one claimed run from where it stands to its end: `started`, the resource walk with a `record` event per
/// page, then `completed` or `failed`. Confined to the task that calls ``execute()``.
final class RunExecutor {
    let services: EngineServices
    var run: SyncJobRun
    var logger: Logger
    /// Loaded by ``prepare()``.
    var job: SyncJob!
    var account: IntegratedAccount!
    var webhook: Webhook!
    var graph: ResourceGraph!
    var connector: (any Connector)!
    var position = RunPosition(previousRunDate: Timestamp.distantPastString)
    var compiledQueries: [String: QueryExpression] = [:]
    /// Where records are written instead of the webhook, when the run has a destination.
    var destination: ZendeskTicketImport?
    /// A resumed run's first page may already be in the destination: check before writing it.
    var destinationMayHavePage = false
    /// The checkpoint being committed while the next page is fetched.
    var pendingSave: Task<Void, any Error>?

    init(run: SyncJobRun, services: EngineServices, logger: Logger) {
        self.run = run
        self.services = services
        var logger = logger
        logger[metadataKey: "sync_job_run_id"] = "\(run.id.lowercased)"
        self.logger = logger
    }

    var store: any Store { services.store }
    var now: Date { services.clock.now() }
    var env: UUID { run.environmentId }

    /// The run was claimed `claims` times in a row and every process executing it ended before its checkpoint moved:
    /// it crashes the engine. It fails now, with the reason, instead of taking every restart down with it.
    func quarantine(claims: Int) async {
        let reason = "quarantined: the run was taken up \(claims) times in a row and each time the process executing it died "
            + "before it made progress (it crashes the engine); resume it once the cause is fixed"
        logger.critical("run quarantined", metadata: ["claims_without_progress": "\(claims)"])
        do {
            try await prepare()
        } catch {
            logger.warning("quarantined run's references are incomplete", metadata: ["error": "\(error)"])
        }
        try? await finishLogged(.failed, error: reason)
        await releaseLease()
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

    /// Runs to the end (or until interrupted), then gives up the lease.
    func execute() async {
        let (store, id, owner, lease) = (services.store, run.id, services.configuration.workerId, services.configuration.leaseDuration)
        let clock = services.clock
        await withTaskGroup(of: Void.self) { group in
            // Long waits (rate limits, webhook backoff) must not let the lease lapse.
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(lease / 3))
                    if Task.isCancelled { return }
                    _ = try? await store.transaction { try await $0.renewLease(runId: id, owner: owner, until: clock.now().addingTimeInterval(lease)) }
                }
            }
            await executeBody()
            group.cancelAll()
        }
        await releaseLease()
    }

    func executeBody() async {
        do {
            try await prepare()
            if run.status == .created { try await start() }
            try await deliverPendingLifecycle()
            try await walk()
            try await flushSave()
            try await finish(.completed, error: nil)
        } catch let interruption as RunInterruption {
            switch interruption {
            case .stopped: logger.info("run stopped")
            case .leaseLost: logger.warning("lease lost; another worker continues the run")
            case .failed(let reason): try? await finishLogged(.failed, error: reason)
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

    /// Loads what the run refers to; anything missing fails the run.
    func prepare() async throws {
        let (env, settings, runId) = (self.env, run.settings, run.id)
        let (job, account, webhook, checkpoint) = try await store.transaction { s in
            (
                try await s.fetch(SyncJob.self, id: settings.syncJobId, environmentId: env),
                try await s.fetch(IntegratedAccount.self, id: settings.integratedAccountId, environmentId: env),
                try await s.fetch(Webhook.self, id: settings.webhookId, environmentId: env),
                try await s.checkpoint(runId: runId)
            )
        }
        guard let job else { throw RunInterruption.failed("sync job \(settings.syncJobId.lowercased) no longer exists") }
        guard let account else { throw RunInterruption.failed("integrated account \(settings.integratedAccountId.lowercased) no longer exists") }
        guard let webhook else { throw RunInterruption.failed("webhook \(settings.webhookId.lowercased) no longer exists") }
        guard webhook.isActive else { throw RunInterruption.failed("webhook \(webhook.id.lowercased) is inactive") }
        guard let connector = services.connectors.connector(for: job.integrationName) else {
            throw RunInterruption.failed("no connector for integration '\(job.integrationName)'")
        }
        guard let graph = ResourceGraph(resources: job.resources, failures: FailureCollector()) else {
            throw RunInterruption.failed("the sync job's depends_on edges do not form a tree")
        }
        self.job = job
        self.account = account
        self.webhook = webhook
        self.connector = connector
        self.graph = graph
        if let saved = RunPosition(checkpoint) {
            position = saved
            destinationMayHavePage = !saved.frames.isEmpty
        }
        if let target = run.settings.destination {
            let account = try await store.transaction { try await $0.fetch(IntegratedAccount.self, id: target.integratedAccountId, environmentId: env) }
            guard let account, account.status == .active else {
                throw RunInterruption.failed("destination account \(target.integratedAccountId.lowercased) is missing or not active")
            }
            destination = ZendeskTicketImport(
                client: services.providerClient, account: ConnectorAccount(account), bufferSize: target.bufferSize, maxRetries: target.maxRetries
            )
        }
    }
}

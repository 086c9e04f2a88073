import Accounts
import AsyncHTTPClient
import Connectors
import Delivery
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Storage
import SyncBridgeCore
import Synchronization

/// The run engine as a service: claims queued runs (and runs whose executor died) and executes them, several at
/// once, and delivers the outbox events no executor owns. Graceful shutdown stops claiming and interrupts running
/// executors, whose checkpoints let the next process resume them.
public struct Engine: Service {
    let services: EngineServices
    let logger: Logger

    /// Creates the engine.
    public init(
        store: any Store, connectors: IntegrationRegistry, httpClient: HTTPClient, configuration: EngineConfiguration,
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
        services = EngineServices(
            store: store, connectors: connectors, sender: WebhookSender(client: httpClient, timeout: .seconds(30), clock: clock),
            configuration: configuration, clock: clock, providerClient: connectors.providerClient ?? ProviderClient(http: httpClient),
            tokens: AccountTokens(store: store, connectors: connectors, clock: clock),
            health: WebhookHealth(store: store, clock: clock, disableAfter: configuration.disableWebhookAfter)
        )
        self.logger = logger
    }

    /// The connectors this build ships, on one HTTP client, spending from `budget` (nil: requests are not paced).
    /// `budgetMaxWait` bounds a request's wait for the budget (the live API's; runs wait as long as it takes).
    public static func standardConnectors(
        httpClient: HTTPClient, budget: (any RequestBudget)? = nil, budgetMaxWait: Double? = nil
    ) -> IntegrationRegistry {
        IntegrationRegistry.standard(client: ProviderClient(http: httpClient, budget: budget, budgetMaxWait: budgetMaxWait))
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.loop() }
        } catch is CancellationError {
            logger.info("engine stopped")
        }
    }

    func loop() async throws {
        let active = RunCounter()
        let configuration = services.configuration
        let dispatcher = OutboxDispatcher(
            store: services.store, sender: services.sender, policy: configuration.delivery, clock: services.clock, health: services.health,
            logger: logger
        )
        let freed = try await services.store.recoverLeases(workerId: configuration.workerId)
        logger.info(
            "engine started",
            metadata: [
                "worker_id": "\(configuration.workerId)", "max_concurrent_runs": "\(configuration.maxConcurrentRuns)", "leases_recovered": "\(freed)",
            ]
        )
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await dispatcher.dispatchDue()
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.error("outbox dispatch failed", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: configuration.pollInterval)
                }
            }
            let queue = services.store.runQueue
            while true {
                try Task.checkCancellation()
                // Looked at before claiming, so a run created meanwhile wakes the wait below at once.
                let generation = queue.generation
                while active.value < configuration.maxConcurrentRuns, let claimed = try await claim() {
                    // A run whose lease lapsed while this process still executes it (a stalled process, a clock that
                    // jumped) comes back to it: the executor that has it goes on, and renews the lease just taken.
                    guard active.start(claimed.run.id) else {
                        logger.warning(
                            "claimed a run this process is already executing", metadata: ["sync_job_run_id": "\(claimed.run.id.lowercased)"])
                        continue
                    }
                    let services = self.services
                    let logger = self.logger
                    group.addTask {
                        let executor = RunExecutor(run: claimed.run, services: services, logger: logger)
                        if claimed.claimsWithoutProgress > configuration.maxClaimsWithoutProgress {
                            await executor.quarantine(claims: claimed.claimsWithoutProgress - 1)
                        } else {
                            await executor.execute()
                        }
                        active.finish(claimed.run.id)
                        queue.signal()  // a slot is free: a waiting run may start now
                    }
                }
                // Runs created by this process wake the engine at once; others (another process's, a lease that
                // lapsed) are found by the poll.
                await queue.wait(after: generation, upTo: configuration.pollInterval)
            }
        }
    }

    /// Takes the next run, if any.
    func claim() async throws -> ClaimedRun? {
        let (owner, now, until) = (services.configuration.workerId, services.clock.now(), services.leaseUntil)
        let perEnvironment = services.configuration.maxRunsPerEnvironment
        do {
            return try await services.store.transaction {
                try await $0.claimRun(owner: owner, now: now, leaseUntil: until, perEnvironment: perEnvironment)
            }
        } catch {
            logger.error("could not claim a run", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

/// The runs this process is executing.
final class RunCounter: Sendable {
    private let runs = Mutex<Set<UUID>>([])
    var value: Int { runs.withLock { $0.count } }
    /// Records that the run starts here; false when it is already executing here.
    func start(_ id: UUID) -> Bool { runs.withLock { $0.insert(id).inserted } }
    func finish(_ id: UUID) { _ = runs.withLock { $0.remove(id) } }
}

import ArgumentParser
import AsyncHTTPClient
import Engine
import Foundation
import Runs
import ServiceLifecycle
import SyncBridgeCore

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run only the engine (no HTTP API): execute queued sync job runs."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var engine: EngineOptions

    func run() async throws {
        let logger = store.logger("syncbridge")
        let database = try await store.openStore(logger: logger, ownsQueue: true)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let testClock = try await SharedTestClock.fromEnvironment(client: httpClient, logger: logger)
        let clock: any WallClock = testClock ?? SystemWallClock()
        // One budget for every provider request of the process (and, on PostgreSQL, of every process).
        let budget = engine.budget(store: database, clock: clock, logger: logger)
        let connectors = Engine.standardConnectors(httpClient: httpClient, budget: budget)
        let runs = RunFactory(connectors: connectors)
        let service = Engine(
            store: database, connectors: connectors, httpClient: httpClient,
            configuration: engine.configuration, clock: clock, logger: logger
        )
        let scheduler = CronScheduler(store: database, runs: runs, clock: clock, logger: logger)
        let pushScheduler = PushScheduler(store: database, runs: runs, clock: clock, logger: logger)
        let services: [any Service] = (testClock.map { [$0] } ?? []) + [service, scheduler, pushScheduler]
        try await runUntilSignalled(services, httpClient: httpClient, store: database, logger: logger)
    }
}

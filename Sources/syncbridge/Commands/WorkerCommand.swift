import ArgumentParser
import AsyncHTTPClient
import Engine
import Foundation
import ServiceLifecycle

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
        let service = Engine(
            store: database, connectors: Engine.standardConnectors(httpClient: httpClient), httpClient: httpClient,
            configuration: engine.configuration, logger: logger
        )
        let scheduler = CronScheduler(store: database, logger: logger)
        let pushScheduler = PushScheduler(store: database, logger: logger)
        try await runUntilSignalled([service, scheduler, pushScheduler], httpClient: httpClient, store: database, logger: logger)
    }
}

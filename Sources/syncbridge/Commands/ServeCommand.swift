import ArgumentParser
import AsyncHTTPClient
import Engine
import Foundation
import Hummingbird
import Logging
import Runs
import ServiceLifecycle
import Storage
import SyncBridgeCore
import SyncBridgeServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP API and the engine in one process."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "Interface to listen on (env SYNCBRIDGE_HOST)")
    var host: String?

    @Option(help: "Port to listen on (env SYNCBRIDGE_PORT, default 8080)")
    var port: Int?

    @Option(name: .customLong("public-url"), help: "URL providers reach this API at, for push notifications (env SYNCBRIDGE_PUBLIC_URL)")
    var publicURL: String?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let logger = store.logger("syncbridge")
        let database = try await store.openStore(logger: logger, ownsQueue: true)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        var settings = APIConfiguration(
            host: host ?? env["SYNCBRIDGE_HOST"] ?? "127.0.0.1",
            port: port ?? env["SYNCBRIDGE_PORT"].flatMap(Int.init) ?? 8080
        )
        settings.publicURL = publicURL ?? env["SYNCBRIDGE_PUBLIC_URL"]
        let configuration = settings
        let testClock = try await SharedTestClock.fromEnvironment(client: httpClient, logger: logger)
        let clock: any WallClock = testClock ?? SystemWallClock()
        // One budget for every provider request of the process (and, on PostgreSQL, of every process).
        let budget = engine.budget(store: database, clock: clock, logger: logger)
        let connectors = Engine.standardConnectors(httpClient: httpClient, budget: budget)
        let runs = RunFactory(connectors: connectors)
        let api = APIServer(
            store: database, httpClient: httpClient, configuration: configuration, clock: clock,
            // A live API call waits at most 30 s for the budget, then answers 429 with the wait.
            integrations: Engine.standardConnectors(httpClient: httpClient, budget: budget, budgetMaxWait: 30), logger: logger)
        let app = api.makeApplication { port in
            logger.notice(
                "SyncBridge API listening", metadata: ["url": "http://\(configuration.host):\(port)", "database": "\(database.driverName)"])
        }
        let runner = Engine(
            store: database, connectors: connectors, httpClient: httpClient,
            configuration: engine.configuration, clock: clock, logger: logger
        )
        let scheduler = CronScheduler(store: database, runs: runs, clock: clock, logger: logger)
        let pushScheduler = PushScheduler(store: database, runs: runs, clock: clock, logger: logger)
        // The test clock goes first, so it is the last service shut down.
        let services: [any Service] = (testClock.map { [$0] } ?? []) + [app, runner, scheduler, pushScheduler]
        try await runUntilSignalled(services, httpClient: httpClient, store: database, logger: logger)
    }
}

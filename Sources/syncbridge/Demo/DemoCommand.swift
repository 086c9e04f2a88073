import ArgumentParser
import AsyncHTTPClient
import Benchmarks
import Engine
import Foundation
import Hummingbird
import JSONCore
import Logging
import NIOCore
import NIOHTTP1
import Storage
import SyncBridgeServer
import ZendeskSandbox

/// `syncbridge demo`: the whole product on one machine — a Zendesk sandbox, the API and engine over SQLite, and a
/// local webhook receiver — running the reference job (users, contacts, tickets, comments per ticket) with live progress.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a complete sync locally: Zendesk sandbox → SyncBridge (SQLite) → a local webhook receiver."
    )

    @Option(help: "Tickets in the sandbox") var tickets: Int = 2_000
    @Option(name: .customLong("comments-per-ticket"), help: "Mean comments per ticket") var commentsPerTicket: Int = 3
    @Option(help: "Seed of the sandbox data") var seed: UInt64 = 1
    @Option(name: .customLong("database-url"), help: "Database (default: a fresh SQLite file in a temporary folder)") var databaseURL: String?
    @Flag(help: "Log the engine's work to stderr") var verbose = false

    func run() async throws {
        var demoLogger = Logger(label: "syncbridge-demo") { StreamLogHandler.standardError(label: $0) }
        demoLogger.logLevel = verbose ? .info : .warning
        let logger = demoLogger
        // Servers cancelled at the end of the demo log their shutdown as errors; keep those out of the output.
        var quiet = demoLogger
        quiet.logLevel = verbose ? .info : .critical
        let serverLogger = quiet
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try await StoreConfiguration(databaseURL: databaseURL ?? "sqlite://\(folder.path)/demo.sqlite")
            .open(secrets: try SecretBox.loadOrCreateKeyFile(at: folder.appendingPathComponent("demo.key").path), logger: logger)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var sandboxConfiguration = SandboxConfiguration()
        sandboxConfiguration.tickets = tickets
        sandboxConfiguration.commentsPerTicket = commentsPerTicket
        sandboxConfiguration.seed = seed
        sandboxConfiguration.recentWindow = 0
        let sandbox = ZendeskSandbox(configuration: sandboxConfiguration, httpClient: http, logger: serverLogger)
        let receiver = DemoReceiver()
        let api = APIServer(store: store, httpClient: http, configuration: .init(host: "127.0.0.1", port: 0), logger: serverLogger)
        // The sandbox has no rate limit: the connectors have no request budget either.
        let engineConfiguration = EngineConfiguration(workerId: "demo")
        let engine = Engine(
            store: store, connectors: Engine.standardConnectors(httpClient: http), httpClient: http, configuration: engineConfiguration,
            logger: logger
        )
        print("SyncBridge demo — database \(store.driverName) (\(databaseURL ?? folder.path + "/demo.sqlite"))")
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let (addresses, found) = AsyncStream<(String, String)>.makeStream()
                group.addTask { try await sandbox.run { found.yield(("sandbox", $0)) } }
                group.addTask {
                    let app = Application(
                        router: receiver.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                        onServerRunning: { found.yield(("receiver", "http://127.0.0.1:\($0.localAddress?.port ?? 0)")) }, logger: serverLogger
                    )
                    try await app.runService(gracefulShutdownSignals: [])
                }
                group.addTask {
                    try await api.makeApplication { found.yield(("api", "http://127.0.0.1:\($0)")) }.runService(gracefulShutdownSignals: [])
                }
                group.addTask { try await engine.run() }
                var urls: [String: String] = [:]
                for await (name, url) in addresses {
                    urls[name] = url
                    if urls.count == 3 { break }
                }
                let token = try await TokenIssuer(store: store).createToken(name: "demo", environment: "default").token
                let scenario = DemoScenario(
                    client: APIClient(http: http, base: urls["api"]!, token: token), receiver: receiver,
                    sandboxURL: urls["sandbox"]!, receiverURL: urls["receiver"]! + "/webhook"
                )
                try await scenario.run()
                group.cancelAll()
            }
        } catch {
            try? await http.shutdown()
            try? await store.close()
            throw error
        }
        try await http.shutdown()
        try await store.close()
    }
}

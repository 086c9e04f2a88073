import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import JSONCore
import Logging
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeServer
import ZendeskSandbox

/// Throughput of 1, 2 and 4 `syncbridge worker` processes sharing one PostgreSQL run queue: the same batch of runs
/// (users, contacts, tickets and comments per ticket, on many accounts) drained by each pool size, in records per second, with the ratio to one worker.
public struct WorkersBench: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "workers", abstract: "Run-queue throughput of 1, 2 and 4 worker processes on PostgreSQL.")

    @Option(help: "PostgreSQL URL (env SYNCBRIDGE_DATABASE_URL)") var databaseURL: String?
    @Option(help: "Runs per measurement") var runs = 16
    @Option(help: "Tickets per account (each with its comments)") var tickets = 40
    @Option(parsing: .upToNextOption, help: "Pool sizes") var workers: [Int] = [1, 2, 4]

    public func run() async throws {
        guard let base = databaseURL ?? ProcessInfo.processInfo.environment["SYNCBRIDGE_DATABASE_URL"], base.hasPrefix("postgres") else {
            throw ValidationError("bench workers needs --database-url postgres://…")
        }
        var quiet = Logger(label: "bench")
        quiet.logLevel = .critical
        let logger = quiet
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var configuration = SandboxConfiguration()
        configuration.tickets = tickets
        configuration.recentWindow = 0
        let sandbox = ZendeskSandbox(configuration: configuration, httpClient: nil, logger: logger)
        let receiver = BenchReceiver()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let (urls, found) = AsyncStream<(String, String)>.makeStream()
                group.addTask { try await sandbox.run { found.yield(("sandbox", $0)) } }
                group.addTask {
                    let app = Application(
                        router: receiver.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                        onServerRunning: { found.yield(("receiver", "http://127.0.0.1:\($0.localAddress?.port ?? 0)/hook")) }, logger: logger
                    )
                    try await app.runService(gracefulShutdownSignals: [])
                }
                var addresses: [String: String] = [:]
                for await (k, v) in urls {
                    addresses[k] = v
                    if addresses.count == 2 { break }
                }
                print("worker pool benchmark: \(runs) runs of seed 000's job, \(tickets) tickets each, PostgreSQL, all on loopback")
                var single: Double?
                for n in workers {
                    let rate = try await measure(
                        workers: n, base: base, sandboxURL: addresses["sandbox"]!, receiverURL: addresses["receiver"]!, http: http, logger: logger)
                    if single == nil { single = rate }
                    print(String(format: "  %d worker(s): %8.0f records/s  ratio vs 1 worker %.2f", n, rate, rate / (single ?? rate)))
                }
                group.cancelAll()
            }
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    func measure(workers n: Int, base: String, sandboxURL: String, receiverURL: String, http: HTTPClient, logger: Logger) async throws -> Double {
        let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresStore(url: base, maxConnections: 1, secrets: SecretBox(secret: "bench"), logger: logger)
        try await admin.createSchema(schema)
        try await admin.close()
        let url = base + (base.contains("?") ? "&" : "?") + "search_path=\(schema)"
        let store = try await StoreConfiguration(databaseURL: url).open(secrets: SecretBox(secret: "bench"), logger: logger)
        let (token, _) = try await TokenIssuer(store: store).createToken(name: "bench", environment: "default")
        let api = APIServer(store: store, httpClient: http, configuration: .init(host: "127.0.0.1", port: 0), logger: logger)
        return try await withThrowingTaskGroup(of: Double?.self) { group in
            let (ports, found) = AsyncStream<Int>.makeStream()
            group.addTask {
                try await api.makeApplication { found.yield($0) }.runService(gracefulShutdownSignals: [])
                return nil
            }
            var it = ports.makeAsyncIterator()
            guard let port = await it.next() else { return 0 }
            let client = APIClient(http: http, base: "http://127.0.0.1:\(port)", token: token)
            let webhook = try await client.send(.POST, "/webhook", ["target_url": .string(receiverURL), "event_types": ["sync_job_run:record"]])
            let job = try await client.send(.POST, "/sync-job", ReferenceJob.job)
            var ids: [String] = []
            for i in 0..<runs {
                let account = try await client.send(
                    .POST, "/integrated-account",
                    [
                        "integration_name": "zendesk", "tenant_id": .string("t\(i)"),
                        "context": ["base_url": .string(sandboxURL), "email": "admin@example.com", "api_token": "sandbox-token"],
                    ]
                )
                let run = try await client.send(
                    .POST, "/sync-job-run", ["sync_job_id": job["id"]!, "integrated_account_id": account["id"]!, "webhook_id": webhook["id"]!])
                ids.append(run["id"]?.stringValue ?? "")
            }
            let started = ContinuousClock.now
            var processes: [Process] = []
            for i in 0..<n {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                p.arguments = ["worker", "--database-url", url, "--worker-id", "bench-\(i)"]
                p.environment = ProcessInfo.processInfo.environment.merging(["SYNCBRIDGE_SECRET_KEY": "bench", "SYNCBRIDGE_LOG_LEVEL": "error"]) {
                    _, b in b
                }
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                processes.append(p)
            }
            defer {
                for p in processes where p.isRunning { p.terminate() }
            }
            var records = 0.0
            while true {
                try await Task.sleep(for: .milliseconds(100))
                var done = 0
                records = 0
                for id in ids {
                    let r = try await client.send(.GET, "/sync-job-run/\(id)")
                    if r["status"] == "completed" { done += 1 }
                    if r["status"] == "failed" { throw ValidationError("run failed: \(r.jsonString())") }
                    for (_, stats) in r["resource_stats"]?.objectValue ?? [:] { records += stats["delivered"]?.numberValue ?? 0 }
                }
                if done == ids.count { break }
            }
            let elapsed = ContinuousClock.now - started
            for p in processes {
                p.terminate()
                p.waitUntilExit()
            }
            group.cancelAll()
            try await store.close()
            return records / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }
}

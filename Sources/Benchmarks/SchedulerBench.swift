import ArgumentParser
import AsyncHTTPClient
import Engine
import Foundation
import Hummingbird
import JSONCore
import Logging
import NIOHTTP1
import Runs
import Storage
import SyncBridgeCore
import SyncBridgeServer

/// Cron scheduler fire lag for many triggers, and the cost of finding due triggers by the indexed next fire time
/// beside the baseline a naive scheduler pays: reading every trigger each tick.
public struct SchedulerBench: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(commandName: "scheduler", abstract: "Cron scheduler fire lag (p50/p99) for many triggers.")

    @Option(help: "Cron triggers") var triggers = 10_000
    @Option(help: "Seconds over which their fire times are spread") var window: Double = 20

    public func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await StoreConfiguration(databaseURL: "sqlite://\(folder.path)/bench.sqlite").open(
            secrets: SecretBox(secret: "bench"), logger: logger)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await measure(store: store, http: http, logger: logger)
        } catch {
            try? await http.shutdown()
            try? await store.close()
            throw error
        }
        try await http.shutdown()
        try await store.close()
    }

    func measure(store: any Store, http: HTTPClient, logger: Logger) async throws {
        let api = APIServer(store: store, httpClient: http, configuration: .init(host: "127.0.0.1", port: 0), logger: logger)
        let (token, environment) = try await TokenIssuer(store: store).createToken(name: "bench", environment: "default")
        let env = environment.id
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (urls, found) = AsyncStream<String>.makeStream()
            group.addTask { try await api.makeApplication { found.yield("http://127.0.0.1:\($0)") }.runService(gracefulShutdownSignals: []) }
            var it = urls.makeAsyncIterator()
            guard let base = await it.next() else { return }
            let client = APIClient(http: http, base: base, token: token)
            let webhook = try await client.send(
                .POST, "/webhook", ["target_url": "http://127.0.0.1:9/hook", "event_types": ["sync_job_run:completed"]])
            let account = try await client.send(
                .POST, "/integrated-account",
                ["integration_name": "zendesk", "tenant_id": "bench", "context": ["subdomain": "bench", "email": "a@b.c", "api_token": "x"]]
            )
            let job = try await client.send(
                .POST, "/sync-job", ["integration_name": "zendesk", "resources": [["resource": "ticketing/tickets", "method": "list"]]])
            // Queue overlap, so every fire creates a run (no engine runs them here).
            let body: JSONValue = [
                "sync_job_id": job["id"]!, "integrated_account_id": account["id"]!, "webhook_id": webhook["id"]!, "cron_expression": "* * * * *",
                "overlap": "queue",
            ]
            let started = ContinuousClock.now
            let triggers = self.triggers
            try await withThrowingTaskGroup(of: Void.self) { creators in
                for worker in 0..<8 {
                    creators.addTask {
                        var i = worker
                        while i < triggers {
                            _ = try await client.send(.POST, "/sync-job-cron-trigger", body)
                            i += 8
                        }
                    }
                }
                try await creators.waitForAll()
            }
            print("created \(triggers) triggers in \(ContinuousClock.now - started)")
            var ids: [UUID] = []
            var cursor: ListCursor?
            repeat {
                let page = try await store.transaction {
                    try await $0.list(SyncJobCronTrigger.self, environmentId: env, query: ListQuery(limit: 100, cursor: cursor))
                }
                ids += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            // Spread their next fire times over the window, starting a few seconds from now.
            let start = Date().addingTimeInterval(10)
            let slots = ids.enumerated().map { i, _ in start.addingTimeInterval(window * Double(i) / Double(max(1, ids.count))) }
            try await store.transaction { session in
                for (id, slot) in zip(ids, slots) {
                    guard var t = try await session.fetch(SyncJobCronTrigger.self, id: id, environmentId: env) else { continue }
                    t.nextFireAt = slot
                    try await session.update(t)
                }
            }
            // Baseline vs indexed: the cost of one look for due triggers, with nothing due yet.
            let clock = ContinuousClock()
            let scanTime = try await clock.measure {
                var due = 0
                var cursor: ListCursor?
                let now = Date()
                repeat {
                    let page = try await store.transaction {
                        try await $0.list(SyncJobCronTrigger.self, environmentId: env, query: ListQuery(limit: 100, cursor: cursor))
                    }
                    due += page.items.filter { ($0.nextFireAt ?? .distantFuture) <= now }.count
                    cursor = page.nextCursor
                } while cursor != nil
                _ = due
            }
            let rounds = 50
            let indexedTime = try await clock.measure {
                for _ in 0..<rounds {
                    _ = try await store.transaction { s in (try await s.dueTriggers(now: Date(), limit: 100), try await s.earliestFireTime()) }
                }
            }
            let scan = Self.seconds(scanTime)
            let indexed = Self.seconds(indexedTime) / Double(rounds)
            print(
                String(
                    format: "finding due triggers: indexed %.2f ms per tick, scanning all %d triggers %.1f ms (baseline); ratio %.0f×",
                    indexed * 1000, triggers, scan * 1000, scan / indexed))

            let scheduler = CronScheduler(store: store, runs: RunFactory(connectors: Engine.standardConnectors(httpClient: http)), logger: logger)
            group.addTask { try await scheduler.run() }
            try await Task.sleep(for: .seconds(max(0, start.timeIntervalSinceNow) + window + 3))
            var lags: [Double] = []
            try await store.transaction { session in
                for id in ids {
                    for fire in try await session.fires(triggerId: id, limit: 1) { lags.append(fire.firedAt.timeIntervalSince(fire.scheduledAt)) }
                }
            }
            lags.sort()
            func pct(_ p: Double) -> Double { lags.isEmpty ? .nan : lags[min(lags.count - 1, Int(Double(lags.count) * p))] * 1000 }
            print(
                String(
                    format: "fired %d of %d triggers over %.0f s: lag p50 %.0f ms, p99 %.0f ms, max %.0f ms", lags.count, triggers, window, pct(0.5),
                    pct(0.99), (lags.last ?? .nan) * 1000))
            group.cancelAll()
        }
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}

import ArgumentParser
import AsyncHTTPClient
import Engine
import Foundation
import Hummingbird
import JSONCore
import Logging
import NIOCore
import NIOHTTP1
import Storage
import SyncBridgeServer
import Synchronization
import ZendeskSandbox

/// End-to-end engine throughput and memory: a run of every ticket (proxy `tickets`, then unified
/// `ticketing/tickets`) from the sandbox to a receiver, beside the baseline a user would write without SyncBridge —
/// a loop that fetches each cursor page and posts it to the same receiver — measured in the same run.
public struct EngineBench: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "engine", abstract: "Run engine records/s and peak RSS vs a raw fetch-and-post loop.")

    @Option(parsing: .upToNextOption, help: "Sandbox sizes (tickets) to measure") var tickets: [Int] = [10_000, 100_000]
    @Option(help: "Rounds per size; each round measures the raw loop and an engine run per resource") var rounds = 3
    @Option(parsing: .upToNextOption, help: "The resources the engine runs sync (a run each, one resource per job)") var resources = [
        "tickets", "ticketing/tickets",
    ]

    public func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let store = try await StoreConfiguration(databaseURL: "sqlite://\(folder.path)/bench.sqlite")
            .open(secrets: SecretBox(secret: "bench"), logger: logger)
        do {
            try await measureAll(http: http, store: store, logger: logger)
        } catch {
            try? await http.shutdown()
            try? await store.close()
            throw error
        }
        try await http.shutdown()
        try await store.close()
    }

    func measureAll(http: HTTPClient, store: any Store, logger: Logger) async throws {
        let receiver = BenchReceiver()
        let api = APIServer(store: store, httpClient: http, configuration: .init(host: "127.0.0.1", port: 0), logger: logger)
        var engineConfiguration = EngineConfiguration(workerId: "bench")
        engineConfiguration.accountBudget = nil
        let engine = Engine(
            store: store, connectors: Engine.standardConnectors(httpClient: http), httpClient: http, configuration: engineConfiguration,
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (addresses, found) = AsyncStream<(String, String)>.makeStream()
            group.addTask {
                let app = Application(
                    router: receiver.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { found.yield(("receiver", "http://127.0.0.1:\($0.localAddress?.port ?? 0)/hook")) }, logger: logger
                )
                try await app.runService(gracefulShutdownSignals: [])
            }
            group.addTask { try await api.makeApplication { found.yield(("api", "http://127.0.0.1:\($0)")) }.runService(gracefulShutdownSignals: []) }
            group.addTask { try await engine.run() }
            var urls: [String: String] = [:]
            for await (name, url) in addresses {
                urls[name] = url
                if urls.count == 2 { break }
            }
            let token = try await TokenIssuer(store: store).createToken(name: "bench", environment: "default").token
            let client = APIClient(http: http, base: urls["api"]!, token: token)
            let webhook = try await client.send(.POST, "/webhook", ["target_url": .string(urls["receiver"]!)])
            print("engine benchmark (SQLite store, sandbox without latency, all on loopback; RSS is the whole process)")
            for n in tickets {
                try await measure(
                    tickets: n, http: http, client: client, webhook: webhook["id"]!, receiverURL: urls["receiver"]!, receiver: receiver,
                    logger: logger)
            }
            group.cancelAll()
        }
    }

    func measure(
        tickets n: Int, http: HTTPClient, client: APIClient, webhook: JSONValue, receiverURL: String, receiver: BenchReceiver, logger: Logger
    ) async throws {
        var configuration = SandboxConfiguration()
        configuration.tickets = n
        configuration.recentWindow = 0
        // Every measurement must see the same sandbox: no render cache warmed by the ones before (nor its memory).
        configuration.renderCacheMiB = 0
        let sandbox = ZendeskSandbox(configuration: configuration, httpClient: nil, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (urls, found) = AsyncStream<String>.makeStream()
            group.addTask { try await sandbox.run { found.yield($0) } }
            var it = urls.makeAsyncIterator()
            guard let sandboxURL = await it.next() else { return }
            let account = try await client.send(
                .POST, "/integrated-account",
                [
                    "integration_name": "zendesk", "tenant_id": .string("bench-\(n)"),
                    "context": ["base_url": .string(sandboxURL), "email": "admin@example.com", "api_token": "sandbox-token"],
                ]
            )
            // The contenders take turns, round after round, so a slow spell of the machine hits them alike.
            var figures: [String: Figures] = [:]
            for _ in 0..<rounds {
                var bytes = receiver.receivedBytes
                let ((raw, rawPeak), rawCPU) = try await ProcessCPU.measure {
                    try await ResidentMemory.peak { try await RawLoop(http: http, sandboxURL: sandboxURL, receiverURL: receiverURL).run() }
                }
                figures[Self.rawLabel, default: Figures()].add(
                    records: raw.records, seconds: raw.seconds, cpu: rawCPU, peak: rawPeak, bytes: receiver.receivedBytes - bytes)
                for resource in resources {
                    bytes = receiver.receivedBytes
                    let ((seconds, peak), cpu) = try await ProcessCPU.measure {
                        try await ResidentMemory.peak {
                            try await Self.engineRun(
                                resource: resource, client: client, account: account["id"]!, webhook: webhook, receiver: receiver)
                        }
                    }
                    figures[resource, default: Figures()].add(
                        records: n, seconds: seconds, cpu: cpu, peak: peak, bytes: receiver.receivedBytes - bytes)
                }
            }
            print(
                "\n\(n) tickets (median of \(rounds) rounds; range in brackets; CPU is the whole process's, per 1,000 records; bytes posted per record)"
            )
            let baseline = figures[Self.rawLabel]!
            print("  " + baseline.line(Self.rawLabel, baseline: nil))
            for resource in resources {
                print("  " + figures[resource]!.line("engine, \(resource)", baseline: baseline))
            }
            group.cancelAll()
        }
    }

    /// Creates a one-resource job and a run; returns the seconds from the run's creation until the receiver has
    /// its `completed` event.
    static func engineRun(resource: String, client: APIClient, account: JSONValue, webhook: JSONValue, receiver: BenchReceiver) async throws
        -> Double
    {
        let job = try await client.send(
            .POST, "/sync-job", ["integration_name": "zendesk", "resources": [["resource": .string(resource), "method": "list"]]])
        let completedBefore = receiver.completedRuns
        let started = ContinuousClock.now
        let run = try await client.send(.POST, "/sync-job-run", ["sync_job_id": job["id"]!, "integrated_account_id": account, "webhook_id": webhook])
        let id = run["id"]?.stringValue ?? ""
        var polls = 0
        while receiver.completedRuns == completedBefore {
            try await Task.sleep(for: .milliseconds(1))
            polls += 1
            guard polls % 500 == 0 else { continue }
            let current = try await client.send(.GET, "/sync-job-run/\(id)")
            if ["failed", "stopped"].contains(current["status"]?.stringValue) { throw APIClientError("benchmark run ended \(current.jsonString())") }
        }
        return seconds(ContinuousClock.now - started)
    }

    static let rawLabel = "raw fetch-and-post loop"

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}

/// The baseline: what a user writes without SyncBridge. Fetches every 100-ticket cursor page and posts its tickets
/// to the receiver, one page at a time (without a receiver: fetches and parses only).
struct RawLoop: Sendable {
    let http: HTTPClient
    let sandboxURL: String
    let receiverURL: String?

    func run() async throws -> (records: Int, seconds: Double) {
        let auth = "Basic " + Data("admin@example.com/token:sandbox-token".utf8).base64EncodedString()
        let started = ContinuousClock.now
        var next: String? = sandboxURL + "/api/v2/tickets.json?page%5Bsize%5D=100"
        var records = 0
        while let url = next {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Authorization", value: auth)
            let response = try await http.execute(request, timeout: .seconds(30))
            let page = try JSONParser.parse(String(buffer: try await response.body.collect(upTo: 64 << 20)))
            let tickets = page["tickets"]?.arrayValue ?? []
            records += tickets.count
            next = page["meta"]?["has_more"]?.boolValue == true ? page["links"]?["next"]?.stringValue : nil
            guard let receiverURL else { continue }
            var post = HTTPClientRequest(url: receiverURL)
            post.method = .POST
            post.headers.add(name: "Content-Type", value: "application/json")
            post.body = .bytes(ByteBuffer(string: JSONValue.object(["records": .array(tickets)]).jsonString()))
            let answer = try await http.execute(post, timeout: .seconds(30))
            _ = try await answer.body.collect(upTo: 1 << 20)
        }
        return (records, EngineBench.seconds(ContinuousClock.now - started))
    }
}

/// A receiver that reads each body and answers 200, and counts the `sync_job_run:completed` events it gets.
final class BenchReceiver: Sendable {
    private let received = Mutex(0)
    private let completed = Mutex(0)

    /// Body bytes received so far.
    var receivedBytes: Int { received.withLock { $0 } }

    /// How many `sync_job_run:completed` events have arrived.
    var completedRuns: Int { completed.withLock { $0 } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            var request = request
            let body = try await request.collectBody(upTo: 64 << 20)
            self.received.withLock { $0 += body.readableBytes }
            // Lifecycle events are small; pages are not worth searching.
            if body.readableBytes < 16_384, String(buffer: body).contains("\"event\":\"sync_job_run:completed\"") {
                self.completed.withLock { $0 += 1 }
            }
            return .ok
        }
        return router
    }
}

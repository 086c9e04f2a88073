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
import SyncBridgeCore
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
    @Option(help: "Tickets of the reference job's sandbox (users, contacts, tickets, 3 comments per ticket); 0 skips it")
    var referenceTickets = 2_000
    @Option(name: .customLong("latency-ms"), help: "Latency the reference job's sandbox adds to every answer") var latencyMs = 0
    @Option(name: .customLong("jitter-ms"), help: "Random extra latency of the reference job's sandbox, up to this") var jitterMs = 0
    @Flag(help: "Measure only the reference job (no flat lists)") var referenceOnly = false
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
        let engineConfiguration = EngineConfiguration(workerId: "bench")
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
            print(
                "engine benchmark (SQLite store; the sandbox in its own process, render cache on, no latency but the reference job's --latency-ms; all on loopback; RSS is this process)"
            )
            for n in referenceOnly ? [] : tickets {
                try await measure(
                    tickets: n, http: http, client: client, webhook: webhook["id"]!, receiverURL: urls["receiver"]!, receiver: receiver,
                    logger: logger)
            }
            if referenceTickets > 0 {
                let oneAtATime = ReferenceJob.job.setting(["concurrency"], to: 1)
                try await compare(
                    "reference job (users, contacts, tickets, comments of each ticket; \(referenceTickets) tickets; latency \(latencyMs) ms + up to \(jitterMs) ms)",
                    sandbox: [
                        "--tickets", "\(referenceTickets)", "--recent-window", "0", "--comments-per-ticket", "3", "--latency-ms", "\(latencyMs)",
                        "--jitter-ms", "\(jitterMs)",
                    ], records: nil,
                    raw: { try await $0.referenceJob() },
                    engine: [
                        ("reference, 8 ahead", ReferenceJob.job), ("reference, 1 at a time", oneAtATime),
                    ],
                    http: http, client: client, webhook: webhook["id"]!, receiverURL: urls["receiver"]!, receiver: receiver)
            }
            group.cancelAll()
        }
    }

    func measure(
        tickets n: Int, http: HTTPClient, client: APIClient, webhook: JSONValue, receiverURL: String, receiver: BenchReceiver, logger: Logger
    ) async throws {
        try await compare(
            "\(n) tickets", sandbox: ["--tickets", "\(n)", "--recent-window", "0", "--comments-per-ticket", "0"], records: n,
            raw: { try await $0.tickets() },
            engine: resources.map { ($0, ["integration_name": "zendesk", "resources": [["resource": .string($0), "method": "list"]]]) },
            http: http, client: client, webhook: webhook, receiverURL: receiverURL, receiver: receiver)
    }

    /// The contenders on one sandbox (its own process, render cache on, started afresh for this comparison), taking
    /// turns round after round so that a slow spell of the machine hits them alike. Records are counted at the
    /// receiver; a contender that delivers another number than `records` (nil: the raw loop's count) stops the bench.
    func compare(
        _ title: String, sandbox arguments: [String], records expected: Int?, raw: @Sendable (RawLoop) async throws -> Void,
        engine jobs: [(String, JSONValue)], http: HTTPClient, client: APIClient, webhook: JSONValue, receiverURL: String, receiver: BenchReceiver
    ) async throws {
        let sandbox = try SandboxProcess(arguments: arguments)
        defer { sandbox.stop() }
        let account = try await client.send(
            .POST, "/integrated-account",
            [
                "integration_name": "zendesk", "tenant_id": .string("bench-\(UUID().uuidString.prefix(8))"),
                "context": ["base_url": .string(sandbox.url), "email": "admin@example.com", "api_token": "sandbox-token"],
            ]
        )
        let loop = RawLoop(http: http, sandboxURL: sandbox.url, receiverURL: receiverURL)
        var jobIds: [String: JSONValue] = [:]
        for (label, job) in jobs { jobIds[label] = try await client.send(.POST, "/sync-job", job)["id"]! }
        var figures: [String: Figures] = [:]
        var rawRecords = 0
        for _ in 0..<rounds {
            var (bytes, records) = (receiver.receivedBytes, receiver.receivedRecords)
            let ((rawSeconds, rawPeak), rawCPU) = try await ProcessCPU.measure {
                try await ResidentMemory.peak {
                    let started = ContinuousClock.now
                    try await raw(loop)
                    return Self.seconds(ContinuousClock.now - started)
                }
            }
            rawRecords = receiver.receivedRecords - records
            if let expected, rawRecords != expected { throw APIClientError("the raw loop delivered \(rawRecords) records, not \(expected)") }
            figures[Self.rawLabel, default: Figures()].add(
                records: rawRecords, seconds: rawSeconds, cpu: rawCPU, peak: rawPeak, bytes: receiver.receivedBytes - bytes)
            for (label, _) in jobs {
                let job = jobIds[label]!
                (bytes, records) = (receiver.receivedBytes, receiver.receivedRecords)
                let ((seconds, peak), cpu) = try await ProcessCPU.measure {
                    try await ResidentMemory.peak {
                        try await Self.engineRun(job: job, client: client, account: account["id"]!, webhook: webhook, receiver: receiver)
                    }
                }
                let delivered = receiver.receivedRecords - records
                if delivered != (expected ?? rawRecords) {
                    throw APIClientError("the engine delivered \(delivered) records for \(label), not \(expected ?? rawRecords)")
                }
                figures[label, default: Figures()].add(
                    records: delivered, seconds: seconds, cpu: cpu, peak: peak, bytes: receiver.receivedBytes - bytes)
            }
        }
        print(
            "\n\(title), \(expected ?? rawRecords) records (median of \(rounds) rounds; range in brackets; CPU is this process's, per 1,000 records; bytes posted per record)"
        )
        let baseline = figures[Self.rawLabel]!
        print("  " + baseline.line(Self.rawLabel, baseline: nil))
        for (label, _) in jobs { print("  " + figures[label]!.line("engine, \(label)", baseline: baseline)) }
    }

    /// Creates a one-resource job and a run; returns the seconds from the run's creation until the receiver has
    /// its `completed` event.
    static func engineRun(job: JSONValue, client: APIClient, account: JSONValue, webhook: JSONValue, receiver: BenchReceiver) async throws
        -> Double
    {
        let completedBefore = receiver.completedRuns
        let started = ContinuousClock.now
        let run = try await client.send(.POST, "/sync-job-run", ["sync_job_id": job, "integrated_account_id": account, "webhook_id": webhook])
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

/// The baseline: what a user writes without SyncBridge, written well. It fetches every 100-record cursor page and
/// posts its records to the receiver, and while one page is posted it already fetches the next (as the engine does);
/// pages are parsed from the bytes received and posted as bytes, with no String copies.
struct RawLoop: Sendable {
    let http: HTTPClient
    let sandboxURL: String
    /// Without a receiver, pages are fetched and parsed only.
    let receiverURL: String?
    static let auth = "Basic " + Data("admin@example.com/token:sandbox-token".utf8).base64EncodedString()

    /// One page: its records (under `key`) and the next page's URL.
    func fetch(_ url: String?, key: String) async throws -> (records: [JSONValue], next: String?)? {
        guard let url else { return nil }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: Self.auth)
        let response = try await http.execute(request, timeout: .seconds(30))
        let page = try JSONParser.parse(bytes: try await response.body.collect(upTo: 64 << 20).readableBytesView)
        let more = page["meta"]?["has_more"]?.boolValue == true
        return (page[key]?.arrayValue ?? [], more ? page["links"]?["next"]?.stringValue : nil)
    }

    func post(_ records: [JSONValue]) async throws {
        guard let receiverURL else { return }
        var post = HTTPClientRequest(url: receiverURL)
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "application/json")
        post.body = .bytes(ByteBuffer(bytes: JSONValue.object(["records": .array(records)]).jsonBytes()))
        let answer = try await http.execute(post, timeout: .seconds(30))
        _ = try await answer.body.collect(upTo: 1 << 20)
    }

    /// Every page of a list, the next fetched while the current one is posted; calls `each` with every page.
    func list(_ path: String, key: String, each: ([JSONValue]) async throws -> Void = { _ in }) async throws {
        var page = try await fetch(sandboxURL + path, key: key)
        while let current = page {
            async let ahead = fetch(current.next, key: key)
            try await post(current.records)
            try await each(current.records)
            page = try await ahead
        }
    }

    /// Flat tickets.
    func tickets() async throws {
        try await list("/api/v2/tickets.json?page%5Bsize%5D=100", key: "tickets")
    }

    /// Flat tickets, counted here: how many, and how long it took.
    func run() async throws -> (records: Int, seconds: Double) {
        let started = ContinuousClock.now
        var records = 0
        try await list("/api/v2/tickets.json?page%5Bsize%5D=100", key: "tickets") { records += $0.count }
        return (records, EngineBench.seconds(ContinuousClock.now - started))
    }

    /// The reference job by hand: agents and admins (users), end-users (contacts), tickets, and after each page of
    /// tickets the comments of each of its tickets, posted in ticket order with up to `concurrency` tickets' first
    /// comment pages fetched at once (as the engine walks dependents).
    func referenceJob(concurrency: Int = 8) async throws {
        try await list("/api/v2/users.json?role%5B%5D=agent&role%5B%5D=admin&page%5Bsize%5D=100", key: "users")
        try await list("/api/v2/users.json?role=end-user&page%5Bsize%5D=100", key: "users")
        try await list("/api/v2/tickets.json?page%5Bsize%5D=100", key: "tickets") { tickets in
            let urls = tickets.compactMap { $0["id"]?.integerValue }.map { sandboxURL + "/api/v2/tickets/\($0)/comments.json?page%5Bsize%5D=100" }
            try await withThrowingTaskGroup(of: (Int, (records: [JSONValue], next: String?)?).self) { group in
                var (started, posted) = (0, 0)
                var answers: [Int: (records: [JSONValue], next: String?)?] = [:]
                while posted < urls.count {
                    while started < urls.count && started - posted < max(1, concurrency) {
                        let (i, url) = (started, urls[started])
                        group.addTask { (i, try await fetch(url, key: "comments")) }
                        started += 1
                    }
                    while answers[posted] == nil, let (i, answer) = try await group.next() { answers[i] = .some(answer) }
                    var page = answers.removeValue(forKey: posted) ?? nil
                    while let current = page {
                        try await post(current.records)
                        page = try await fetch(current.next, key: "comments")
                    }
                    posted += 1
                }
            }
        }
    }
}

/// A receiver that reads each body and answers 200, and counts the `sync_job_run:completed` events it gets.
final class BenchReceiver: Sendable {
    private let received = Mutex(0)
    private let completed = Mutex(0)
    private let records = Mutex(0)

    /// Records received so far: those of the raw loop's bodies (`records`) and of the engine's `record` events
    /// (`payload.records`), counted from the bodies themselves.
    var receivedRecords: Int { records.withLock { $0 } }

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
            if let parsed = try? JSONParser.parse(bytes: body.readableBytesView) {
                let count = (parsed["records"] ?? parsed["payload"]?["records"])?.arrayValue?.count ?? 0
                self.records.withLock { $0 += count }
            }
            // Lifecycle events are small; pages are not worth searching.
            if body.readableBytes < 16_384, String(buffer: body).contains("\"event\":\"sync_job_run:completed\"") {
                self.completed.withLock { $0 += 1 }
            }
            return .ok
        }
        return router
    }
}

import AsyncHTTPClient
import Engine
import Foundation
import NIOCore
import NIOHTTP1
import Runs
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// Everything a run needs, live on loopback: a Zendesk sandbox, a webhook receiver, the API and the engine over a
/// real store.
struct EngineHarness: Sendable {
    let api: APIHarness
    let sandboxURL: String
    let receiver: WebhookReceiver
    let receiverURL: String
    let store: any Store
    let client: HTTPClient
    let configuration: EngineConfiguration
    /// The request budget each engine's connectors spend from (nil: none); on PostgreSQL engines share it.
    var budget: RequestBudgetConfiguration? = nil

    /// Runs an engine of its own (one "process") for the duration of `body`, then interrupts it as a shutdown would.
    /// `store` and `clock` default to the harness's store and the real clock; `pushClock` (the push scheduler's, which
    /// decides when a debounce is over) defaults to `clock`.
    func whileEngineRuns<R: Sendable>(
        store: (any Store)? = nil, clock: any WallClock = SystemWallClock(), pushClock: (any WallClock)? = nil, workerId: String? = nil,
        _ body: @Sendable @escaping () async throws -> R
    ) async throws -> R {
        let store = store ?? self.store
        var configuration = self.configuration
        if let workerId { configuration.workerId = workerId }
        let budget = self.budget.map { store.requestBudget($0, clock: clock, logger: TestStores.logger) }
        let engine = Engine(
            store: store, connectors: Engine.standardConnectors(httpClient: client, budget: budget), httpClient: client,
            configuration: configuration, clock: clock, logger: TestStores.logger
        )
        let push = PushScheduler(
            store: store, runs: RunFactory(connectors: Engine.standardConnectors(httpClient: HTTPClientForTests.shared)),
            clock: pushClock ?? clock, pollInterval: .milliseconds(50), logger: TestStores.logger)
        return try await whileServing({ (ready: @Sendable @escaping (Bool) -> Void) in
            ready(true)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await engine.run() }
                group.addTask { try await push.run() }
                try await group.waitForAll()
            }
        }) { _ in try await body() }
    }

    /// A webhook for the receiver; returns its id and secret.
    func webhook(eventTypes: [String] = []) async throws -> (id: String, secret: String) {
        let r = try await api.request(
            .POST, "/webhook", json: ["target_url": .string(receiverURL), "event_types": .array(eventTypes.map(JSONValue.string))]
        )
        #expect(r.status == 201, "\(r.json.jsonString())")
        return (try #require(r.string("id")), try #require(r.string("secret")))
    }

    /// An active Zendesk account pointing at the sandbox.
    func account() async throws -> String {
        let r = try await api.request(
            .POST, "/integrated-account",
            json: [
                "integration_name": "zendesk", "tenant_id": "acme",
                "context": ["base_url": .string(sandboxURL), "email": "admin@example.com", "api_token": "sandbox-token"],
            ]
        )
        #expect(r.status == 201, "\(r.json.jsonString())")
        return try #require(r.string("id"))
    }

    func job(_ resources: JSONValue, argsSchema: JSONValue? = nil) async throws -> String {
        var body: [String: JSONValue] = ["integration_name": "zendesk", "resources": resources]
        if let argsSchema { body["args_schema"] = argsSchema }
        let r = try await api.request(.POST, "/sync-job", json: .object(body))
        #expect(r.status == 201, "\(r.json.jsonString())")
        return try #require(r.string("id"))
    }

    /// Creates a run and waits until it has finished; returns the final run object.
    func run(job: String, account: String, webhook: String, _ extra: [String: JSONValue] = [:]) async throws -> JSONValue {
        let id = try await startRun(job: job, account: account, webhook: webhook, extra)
        return try await waitForRun(id)
    }

    func startRun(job: String, account: String, webhook: String, _ extra: [String: JSONValue] = [:]) async throws -> String {
        var body: [String: JSONValue] = ["sync_job_id": .string(job), "integrated_account_id": .string(account), "webhook_id": .string(webhook)]
        body.merge(extra) { _, new in new }
        let r = try await api.request(.POST, "/sync-job-run", json: .object(body))
        #expect(r.status == 201, "\(r.json.jsonString())")
        return try #require(r.string("id"))
    }

    /// Polls the run until it is finished (`TestPatience.long` at most).
    func waitForRun(_ id: String, until done: Set<String> = ["completed", "failed", "stopped"]) async throws -> JSONValue {
        let deadline = ContinuousClock.now + TestPatience.long
        while ContinuousClock.now < deadline {
            let r = try await api.request(.GET, "/sync-job-run/\(id)")
            if let status = r.string("status"), done.contains(status) { return r.json }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("run \(id) did not finish in time: \(try await api.request(.GET, "/sync-job-run/\(id)").json.jsonString())")
        throw CancellationError()
    }

    /// Waits until the receiver has seen an event of that name.
    func waitForEvent(_ name: String) async throws {
        let deadline = ContinuousClock.now + TestPatience.long
        while ContinuousClock.now < deadline {
            if events().contains(where: { $0.event == name }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("no \(name) event arrived")
    }

    /// The run events received (account events left out), parsed, in arrival order.
    func events() -> [ReceivedEvent] { receiver.runEvents() }

    var sandbox: SandboxReader { SandboxReader(client: api.client, baseURL: sandboxURL) }

    func zendesk(_ method: HTTPMethod = .GET, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        try await sandbox.call(method, path, body)
    }

    func zendeskAll(_ path: String, key: String) async throws -> [JSONValue] { try await sandbox.all(path, key: key) }
}

/// Fast retries so failure tests finish quickly.
let testEngineConfiguration: EngineConfiguration = {
    var c = EngineConfiguration(workerId: "test-worker")
    c.pollInterval = .milliseconds(20)
    c.delivery = RetryPolicy(quickRetries: 2, quickDelay: 0.02, baseDelay: 0.05, maxDelay: 0.2, maxAttempts: 6, jitter: 0)
    c.fetch = RetryPolicy(quickRetries: 1, quickDelay: 0.02, baseDelay: 0.05, maxDelay: 0.1, maxAttempts: 2, jitter: 0)
    return c
}()

/// Runs the sandbox, the receiver, the API and the engine over a fresh store of `kind` for the duration of `body`.
func withEngine<R: Sendable>(
    _ kind: StoreKind, tickets: Int = 120, configuration: EngineConfiguration = testEngineConfiguration, engineRunning: Bool = true,
    budget: RequestBudgetConfiguration? = nil, _ body: @Sendable @escaping (EngineHarness) async throws -> R
) async throws -> R {
    try await withStore(kind) { store in
        try await withEngine(store: store, tickets: tickets, configuration: configuration, engineRunning: engineRunning, budget: budget, body)
    }
}

/// As above, over a given store.
func withEngine<R: Sendable>(
    store: any Store, tickets: Int = 120, configuration: EngineConfiguration = testEngineConfiguration, engineRunning: Bool = true,
    budget: RequestBudgetConfiguration? = nil, _ body: @Sendable @escaping (EngineHarness) async throws -> R
) async throws -> R {
    var sandboxConfiguration = SandboxConfiguration()
    sandboxConfiguration.tickets = tickets
    sandboxConfiguration.recentWindow = 0
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let result = try await withEngine(
            store: store, client: client, sandboxConfiguration: sandboxConfiguration, configuration: configuration, engineRunning: engineRunning,
            budget: budget, body
        )
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

func withEngine<R: Sendable>(
    store: any Store, client: HTTPClient, sandboxConfiguration: SandboxConfiguration, configuration: EngineConfiguration,
    engineRunning: Bool, budget: RequestBudgetConfiguration? = nil, _ body: @Sendable @escaping (EngineHarness) async throws -> R
) async throws -> R {
    let sandbox = ZendeskSandbox(configuration: sandboxConfiguration, httpClient: client, logger: TestStores.logger)
    let receiver = WebhookReceiver()
    return try await whileServing({ (address: @Sendable @escaping (String) -> Void) in try await sandbox.run { address($0) } }) { sandboxURL in
        try await receiver.run { receiverURL in
            try await withAPI(store: store) { api in
                let harness = EngineHarness(
                    api: api, sandboxURL: sandboxURL, receiver: receiver, receiverURL: receiverURL + "/hook", store: store, client: client,
                    configuration: configuration, budget: budget
                )
                return engineRunning ? try await harness.whileEngineRuns { try await body(harness) } : try await body(harness)
            }
        }
    }
}

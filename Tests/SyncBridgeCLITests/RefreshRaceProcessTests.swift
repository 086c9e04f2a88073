import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// No refresh race across processes: `serve` and two `syncbridge worker`s on one PostgreSQL run ten concurrent runs on
/// one OAuth account with 30-second tokens, all following the sandbox's clock (`SYNCBRIDGE_TEST_CLOCK`) while it moves
/// two seconds per delivered page. Zendesk rotates the refresh token on every refresh, so a refresh token spent twice
/// would be `invalid_grant`: there is none, and there is at most one refresh per token lifetime.
@Suite struct RefreshRaceProcessTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-race-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    static let client = SandboxOAuthClient(identifier: "syncbridge", secret: "s3cret", redirectURIs: ["http://127.0.0.1:9/cb"])
    static let lifetime = 30

    static func sandbox(_ method: HTTPMethod, _ base: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonString()))
        }
        let response = try await HTTPClientForTests.shared.execute(request, timeout: .seconds(60))
        return try JSONParser.parse(String(buffer: try await response.body.collect(upTo: 1 << 24)))
    }

    @Test(.enabled(if: TestStores.checksPostgres, postgresMissingReason))
    func twoWorkersAndServeNeverSpendARefreshTokenTwice() async throws {
        let location = try await TestStores.newLocation(.postgres)
        let database = try CLIProcess.postgresDatabase(location)
        let api = ProcessAPI(client: HTTPClientForTests.shared, token: try await CLIProcess.token(database: database, directory: directory))
        let receiver = WebhookReceiver()
        let dir = directory
        try await withSandboxAndReceiver(tickets: 1_500, receiver: receiver, configure: { $0.oauthClients = [Self.client] }) {
            sandboxURL, receiverURL in
            // Two virtual seconds per delivered page of any run, for every process at once.
            receiver.beforeAnsweringEach { body in
                if body.contains(#""event":"sync_job_run:record""#) {
                    _ = try? await Self.sandbox(.POST, sandboxURL, "/__sandbox/clock", ["advance_seconds": 2])
                }
            }
            do {
                let shared = ["SYNCBRIDGE_TEST_CLOCK": sandboxURL]
                // Leases far longer than the simulated time, so no run changes hands: the race is the refresh.
                let options = [
                    "--lease-seconds", "86400", "--account-requests-per-minute", "0", "--max-concurrent-runs", "4", "--max-runs-per-environment", "0",
                ]
                let (serve, url) = try await CLIProcess.serve(database: database, directory: dir, extra: options, environment: shared)
                let workers = [
                    try CLIProcess.worker(
                        database: database, directory: dir, log: "w1.log", extra: options + ["--worker-id", "w1"], environment: shared),
                    try CLIProcess.worker(
                        database: database, directory: dir, log: "w2.log", extra: options + ["--worker-id", "w2"], environment: shared),
                ]
                defer {
                    for p in workers + [serve] where p.isRunning { p.terminate() }
                }
                let tokens = try await sandboxOAuthGrant(sandboxURL, lifetime: Self.lifetime)
                let start = try #require(try await Self.sandbox(.GET, sandboxURL, "/__sandbox/clock")["now"]?.stringValue.flatMap(Timestamp.parse))
                let account = try await api.create(
                    url, "/integrated-account",
                    [
                        "integration_name": "zendesk", "tenant_id": "acme",
                        "context": [
                            "base_url": .string(sandboxURL), "client_id": "syncbridge", "client_secret": "s3cret",
                            "access_token": try #require(tokens["access_token"]), "refresh_token": try #require(tokens["refresh_token"]),
                            "token_issued_at": .string(Timestamp.format(start)),
                            "token_expires_at": .string(Timestamp.format(start.addingTimeInterval(Double(Self.lifetime)))),
                            "token_lifetime_seconds": .number(Double(Self.lifetime)),
                        ],
                    ])
                let webhook = try await api.create(url, "/webhook", ["target_url": .string(receiverURL + "/hook")])
                _ = try await Self.sandbox(.POST, sandboxURL, "/__sandbox/stats/reset", [:])
                var runs: [String] = []
                for i in 0..<10 {
                    // Ten jobs (runs of one job on one account never overlap), a page of 100 tickets per request.
                    let resource: JSONValue =
                        i % 2 == 0 ? ["resource": "ticketing/tickets", "method": "list"] : ["resource": "tickets", "method": "list"]
                    let job = try await api.create(
                        url, "/sync-job", ["integration_name": "zendesk", "resources": [resource], "label": .string("job \(i)")])
                    runs.append(
                        try await api.create(
                            url, "/sync-job-run",
                            ["sync_job_id": .string(job), "integrated_account_id": .string(account), "webhook_id": .string(webhook)]))
                }
                try await waitUntil {
                    receiver.runEvents().filter { $0.event == "sync_job_run:completed" || $0.event == "sync_job_run:failed" }.count >= 10
                }
                for run in runs {
                    let final = try await api.get(url, "/sync-job-run/\(run)")
                    #expect(final["status"] == "completed", "\(final["error"]?.jsonString() ?? "")")
                }
                let delivered = receiver.runEvents().filter { $0.event == "sync_job_run:record" }.flatMap(\.records).count
                #expect(delivered == 15_000, "every ticket once per run")
                #expect(!receiver.runEvents().contains { $0.event == "sync_job_run:record_error" })
                let stats = try await Self.sandbox(.GET, sandboxURL, "/__sandbox/stats")
                let end = try #require(try await Self.sandbox(.GET, sandboxURL, "/__sandbox/clock")["now"]?.stringValue.flatMap(Timestamp.parse))
                let simulated = end.timeIntervalSince(start)
                let refreshes = Int(stats["oauth"]?["refreshes"]?["syncbridge"]?.numberValue ?? 0)
                #expect(stats["oauth"]?["refused"] == [:], "no refresh token was spent twice: \(stats["oauth"]?.jsonString() ?? "")")
                #expect(stats["oauth"]?["live_tokens"] == 1)
                // A token is renewed a fifth of its life before it expires: one refresh per 24 simulated seconds at most.
                let expiries = Int(simulated / Double(Self.lifetime - Self.lifetime / 5)) + 1
                #expect(refreshes <= expiries, "\(refreshes) refreshes in \(Int(simulated)) s")
                #expect(refreshes >= 5, "the runs lived through many tokens")
                #expect(try await api.get(url, "/integrated-account/\(account)")["status"] == "active")
                let rejected = Int(stats["by_status"]?["401"]?.numberValue ?? 0)
                print(
                    "figure: 10 runs, serve + 2 workers on PostgreSQL, 30 s tokens over \(Int(simulated)) simulated s: \(refreshes) refreshes (at most \(expiries) expiries), 0 invalid_grant, \(rejected) × 401 renewed and retried"
                )
            }
        }
    }
}

import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// `SYNCBRIDGE_TEST_CLOCK=<sandbox URL>`: a `serve` process follows the sandbox's virtual clock, so a test moves time
/// for it. A webhook's `Retry-After: 300` backoff ends when the sandbox clock has moved five minutes, long before five
/// real minutes (more than the test's patience) pass, and every timestamp the process writes is on the moved clock.
@Suite struct SharedClockTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-clock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func advance(_ client: HTTPClient, _ sandboxURL: String, seconds: Int) async throws -> Date {
        var request = HTTPClientRequest(url: sandboxURL + "/__sandbox/clock")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"advance_seconds": \#(seconds)}"#))
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try JSONParser.parse(String(buffer: try await response.body.collect(upTo: 1 << 16)))
        return try #require(body["now"]?.stringValue.flatMap(Timestamp.parse))
    }

    @Test func aServeProcessBacksOffOnTheSandboxClock() async throws {
        let database = "sqlite://clock.sqlite"
        let token = try await CLIProcess.run(["token", "create", "--name", "t", "--database-url", database], directory: directory)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = HTTPClientForTests.shared
        var configuration = SandboxConfiguration()
        configuration.tickets = 3
        configuration.recentWindow = 0
        let sandbox = ZendeskSandbox(configuration: configuration, httpClient: client, logger: TestStores.logger)
        let receiver = WebhookReceiver()
        receiver.answerHeaders(["Retry-After": "300"])
        receiver.failNext(1, with: 503)
        let dir = directory
        try await whileServing({ (address: @Sendable @escaping (String) -> Void) in try await sandbox.run { address($0) } }) { sandboxURL in
            try await receiver.run { receiverURL in
                let api = ProcessAPI(client: client, token: token)
                let (serve, url) = try await CLIProcess.serve(
                    database: database, directory: dir, extra: ["--account-requests-per-minute", "0"],
                    environment: ["SYNCBRIDGE_TEST_CLOCK": sandboxURL]
                )
                defer { serve.terminate() }
                let start = try await advance(client, sandboxURL, seconds: 86_400)  // a day on: the process follows
                try await waitUntilAsync {
                    let now = try await api.get(url, "/health")["now"]?.stringValue.flatMap(Timestamp.parse)
                    return (now ?? .distantPast) >= start
                }
                let run = try await api.startSeedRun(url, sandboxURL: sandboxURL, receiverURL: receiverURL)
                try await waitUntil { receiver.deliveries.count >= 1 }
                let first = receiver.deliveries[0]
                let retried: @Sendable () -> WebhookReceiver.Delivery? = {
                    receiver.deliveries.dropFirst().first { $0.headers["webhook-id"] == first.headers["webhook-id"] }
                }
                // Move the shared clock on in half-minute steps until the retry has come and the run has completed; a
                // process waiting on the real clock would retry only after 300 real seconds, beyond the test's patience.
                let patience = ContinuousClock.now + TestPatience.long
                var moved = 0
                while retried() == nil || !receiver.runEvents().contains(where: { $0.event == "sync_job_run:completed" }) {
                    guard ContinuousClock.now < patience else {
                        Issue.record("no retry and completion within the test's patience, after moving the clock \(moved) s")
                        return
                    }
                    _ = try await advance(client, sandboxURL, seconds: 30)
                    moved += 30
                    try await Task.sleep(for: .milliseconds(100))
                }
                print("figure: the 503'd event was retried and the run completed after moving the shared clock \(moved) s")
                let stamps = [first, try #require(retried())].compactMap { $0.headers["webhook-timestamp"].flatMap(Double.init) }
                #expect(stamps.count == 2)
                #expect(stamps[1] - stamps[0] >= 300, "the retry waited out Retry-After on the shared clock: \(stamps)")
                #expect(stamps[0] >= start.timeIntervalSince1970 - 1, "the first attempt is stamped on the moved clock")
                let final = try await api.get(url, "/sync-job-run/\(run)")
                #expect(final["status"] == "completed", "\(final.jsonString())")
                let created = try #require(final["created_at"]?.stringValue.flatMap(Timestamp.parse))
                let finished = try #require(final["finished_at"]?.stringValue.flatMap(Timestamp.parse))
                #expect(created >= start.addingTimeInterval(-1), "the API stamps on the shared clock")
                // Whether the run itself waited out the backoff depends on who sent `created` first (the engine waits for
                // it; the outbox dispatcher retries it beside the run), so only the clock is checked here.
                #expect(finished >= created, "the engine stamps on the shared clock too")
            }
        }
    }
}

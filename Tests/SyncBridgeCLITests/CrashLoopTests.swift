import AsyncHTTPClient
import Foundation
import JSONCore
import NIOHTTP1
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// A run that kills every process executing it (here through the test-only crash hook) is quarantined after a few
/// claims without progress: it fails with a clear error, and the next `serve` comes up healthy instead of crashing
/// on every start.
@Suite struct CrashLoopTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-crashloop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @Test func aRunThatCrashesTheEngineIsQuarantined() async throws {
        let database = "sqlite://crash.sqlite"
        let token = try await CLIProcess.run(["token", "create", "--name", "t", "--database-url", database], directory: directory)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = HTTPClientForTests.shared
        var configuration = SandboxConfiguration()
        configuration.tickets = 30
        configuration.recentWindow = 0
        let sandbox = ZendeskSandbox(configuration: configuration, httpClient: client, logger: TestStores.logger)
        let receiver = WebhookReceiver()
        let dir = directory
        // Long leases: each restart takes the run over only because the owner lock lets it free the dead lease.
        let serve = ["--lease-seconds", "600", "--account-requests-per-minute", "0"]
        let crashing = [
            "SYNCBRIDGE_TEST_CRASH_BEFORE_FETCHING": "ticketing/tickets", "SYNCBRIDGE_MAX_CLAIMS_WITHOUT_PROGRESS": "2",
            "SWIFT_BACKTRACE": "enable=no",
        ]
        try await whileServing({ (address: @Sendable @escaping (String) -> Void) in try await sandbox.run { address($0) } }) { sandboxURL in
            try await receiver.run { receiverURL in
                let api = ProcessAPI(client: client, token: token)
                let (first, url1) = try await CLIProcess.serve(database: database, directory: dir, extra: serve, environment: crashing)
                let run = try await api.startSeedRun(url1, sandboxURL: sandboxURL, receiverURL: receiverURL)
                // Claim 1 delivers users and contacts, then dies at tickets. Each later claim dies at once, unless it
                // first re-sends a page whose checkpoint the crash beat (progress: the count starts again). After two
                // claims in a row without progress the next one quarantines the run instead of executing it.
                await CLIProcess.waitForExit(first)
                #expect(first.terminationReason == .uncaughtSignal)
                var healthy: (process: Process, log: URL)?
                var crashes = 1
                for _ in 0..<8 where healthy == nil {
                    let (process, log) = try startCrashing(database: database, extra: serve, environment: crashing)
                    try await waitUntil { !process.isRunning || Self.text(log).contains("run quarantined") }
                    if Self.text(log).contains("run quarantined") {
                        healthy = (process, log)
                    } else {
                        await CLIProcess.waitForExit(process)
                        #expect(process.terminationReason == .uncaughtSignal, "\(Self.text(log).suffix(500))")
                        crashes += 1
                    }
                }
                let (survivor, log) = try #require(healthy, "never quarantined after \(crashes) crashes")
                defer { survivor.terminate() }
                #expect(crashes >= 3)
                try await waitUntil { receiver.runEvents().contains { $0.event == "sync_job_run:failed" } }
                let url = try #require(Self.text(log).firstMatch(of: /url=(http:\/\/127\.0\.0\.1:\d+)/).map { String($0.1) })
                let final = try await api.get(url, "/sync-job-run/\(run)")
                #expect(final["status"] == "failed")
                #expect(
                    final["error"]
                        == "quarantined: the run was taken up 2 times in a row and each time the process executing it died before it made progress (it crashes the engine); resume it once the cause is fixed"
                )
                let failed = receiver.runEvents().filter { $0.event == "sync_job_run:failed" }
                #expect(failed.count == 1)
                #expect(failed.first?.payload["error"] == final["error"])
                #expect(receiver.runEvents().filter { $0.resource == "ticketing/tickets" }.isEmpty)
                #expect(survivor.isRunning)
                let (status, _) = try await api.call(url, .GET, "/health", nil)
                #expect(status == 200)
                print("figure: crash loop quarantined after \(crashes) crashes")
            }
        }
    }

    static func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// Starts `serve` with its output in a log file of its own (never the shared `FileHandle.nullDevice`, whose
    /// descriptor `Process` may close): it is expected to die before it would report its URL.
    func startCrashing(database: String, extra: [String], environment: [String: String]) throws -> (Process, URL) {
        let process = Process()
        process.executableURL = CLIProcess.executable
        process.arguments = ["serve", "--port", "0", "--database-url", database] + extra
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let log = directory.appendingPathComponent("crash-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return (process, log)
    }
}

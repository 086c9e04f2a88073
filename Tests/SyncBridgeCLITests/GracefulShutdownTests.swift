import AsyncHTTPClient
import Foundation
import JSONCore
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// SIGTERM: `syncbridge serve` stops claiming, checkpoints the run in flight, releases its lease and exits 0. The
/// lease is checked in the file between the two processes (a probe can claim the run at once although the lease
/// would last ten minutes), so the test fails if the release is removed, even though the next SQLite process would
/// also free a dead one's leases at start. The next process finishes the run with no record lost.
@Suite struct GracefulShutdownTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-term-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @Test func sigtermReleasesTheRunForTheNextProcess() async throws {
        let database = "sqlite://term.sqlite"
        let token = try await CLIProcess.run(["token", "create", "--name", "t", "--database-url", database], directory: directory)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = HTTPClientForTests.shared
        var configuration = SandboxConfiguration()
        configuration.tickets = 150
        configuration.recentWindow = 0
        configuration.latencyMs = 20
        let sandbox = ZendeskSandbox(configuration: configuration, httpClient: client, logger: TestStores.logger)
        let receiver = WebhookReceiver()
        let dir = directory
        try await whileServing({ (address: @Sendable @escaping (String) -> Void) in try await sandbox.run { address($0) } }) { sandboxURL in
            try await receiver.run { receiverURL in
                let api = ProcessAPI(client: client, token: token)
                // A lease far longer than the test may wait: only a released lease lets the next process continue.
                let serve = ["--lease-seconds", "600", "--account-requests-per-minute", "0"]
                let (first, url1) = try await CLIProcess.serve(database: database, directory: dir, extra: serve)
                let run = try await api.startSeedRun(url1, sandboxURL: sandboxURL, receiverURL: receiverURL)
                try await waitUntil { receiver.runEvents().filter { $0.resource == "ticketing/comments" }.count >= 20 }
                first.terminate()  // SIGTERM
                await CLIProcess.waitForExit(first)
                #expect(first.terminationReason == .exit)
                #expect(first.terminationStatus == 0)
                let beforeStop = receiver.runEvents()
                #expect(!beforeStop.contains { $0.event == "sync_job_run:completed" }, "stopped mid-run")
                // No engine owns the file now: a probe may claim the run only if the stopped process released its lease.
                let file = try await SQLiteStore.open(
                    path: dir.appendingPathComponent("term.sqlite").path, secrets: TestStores.secrets, logger: TestStores.logger)
                let now = Date()
                let probe = try await file.transaction { try await $0.claimRun(owner: "probe", now: now, leaseUntil: now) }
                #expect(probe?.run.id.lowercased == run, "the lease was released")
                try await file.transaction { try await $0.releaseLease(runId: try #require(probe?.run.id), owner: "probe") }
                try await file.close()

                let (second, url2) = try await CLIProcess.serve(database: database, directory: dir, extra: serve)
                defer {
                    second.terminate()
                }
                try await waitUntil { receiver.runEvents().contains { $0.event == "sync_job_run:completed" } }
                let final = try await api.get(url2, "/sync-job-run/\(run)")
                #expect(final["status"] == "completed", "\(final.jsonString())")
                let events = receiver.runEvents()
                #expect(events.filter { $0.event == "sync_job_run:started" }.count == 1)
                let truth = try await SandboxReader(client: client, baseURL: sandboxURL).ticketsAndCommentCount()
                let delivered = DeliveredRecords(events)
                #expect(delivered.repeatedPages <= 1)
                #expect((delivered.ids["ticketing/tickets"] ?? []).sorted() == truth.tickets.sorted())
                #expect(Set(delivered.ids["ticketing/comments"] ?? []).count == truth.comments)
            }
        }
    }
}

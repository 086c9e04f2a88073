import AsyncHTTPClient
import Foundation
import JSONCore
import SQLKit
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

@testable import Storage

/// Several engine processes on one PostgreSQL database: every run executes once, and a worker killed with -9
/// mid-run is taken over after its lease, with no record lost.
@Suite struct WorkerPoolTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-pool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @Test(.enabled(if: TestStores.checksPostgres, postgresMissingReason))
    func workersDrainTheQueueOnceAndSurviveAKill() async throws {
        let location = try await TestStores.newLocation(.postgres)
        let database = try CLIProcess.postgresDatabase(location)
        let token = try await CLIProcess.run(["token", "create", "--name", "t", "--database-url", database], directory: directory)
        #expect(token.status == 0, "\(token.stderr)")
        let api = ProcessAPI(client: HTTPClientForTests.shared, token: token.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        var configuration = SandboxConfiguration()
        configuration.tickets = 60
        configuration.recentWindow = 0
        let sandbox = ZendeskSandbox(configuration: configuration, httpClient: HTTPClientForTests.shared, logger: TestStores.logger)
        let receiver = WebhookReceiver()
        let dir = directory
        try await whileServing({ (address: @Sendable @escaping (String) -> Void) in try await sandbox.run { address($0) } }) { sandboxURL in
            try await receiver.run { receiverURL in
                // Two runs at a time per process: `serve`'s own engine, woken by the runs its API creates, cannot
                // take them all, so both workers get some.
                let lease = [
                    "--lease-seconds", "2", "--account-requests-per-minute", "0", "--max-concurrent-runs", "2", "--max-runs-per-environment", "0",
                ]
                let (serve, url) = try await CLIProcess.serve(database: database, directory: dir, extra: lease)
                var workers = [
                    try CLIProcess.worker(database: database, directory: dir, log: "w1.log", extra: lease + ["--worker-id", "w1"]),
                    try CLIProcess.worker(database: database, directory: dir, log: "w2.log", extra: lease + ["--worker-id", "w2"]),
                ]
                defer {
                    for p in workers + [serve] where p.isRunning {
                        p.terminate()
                    }
                }
                let webhook = try await api.create(url, "/webhook", ["target_url": .string(receiverURL + "/hook")])
                let job = try await api.create(url, "/sync-job", ["integration_name": "zendesk", "resources": seedJob])
                var runs: [String] = []
                for i in 0..<8 {
                    let account = try await api.create(
                        url, "/integrated-account",
                        [
                            "integration_name": "zendesk", "tenant_id": .string("t\(i)"),
                            "context": ["base_url": .string(sandboxURL), "email": "admin@example.com", "api_token": "sandbox-token"],
                        ]
                    )
                    runs.append(
                        try await api.create(
                            url, "/sync-job-run",
                            ["sync_job_id": .string(job), "integrated_account_id": .string(account), "webhook_id": .string(webhook)])
                    )
                }
                // Kill one worker once a quarter of the work has arrived.
                try await waitUntil { receiver.runEvents().filter { $0.event == "sync_job_run:record" }.count >= 120 }
                kill(workers[0].processIdentifier, SIGKILL)
                await CLIProcess.waitForExit(workers[0])
                workers.removeFirst()
                // The runs the killed worker held, unfinished: each must be taken over once its lease lapsed.
                let held = try await Self.unfinishedRuns(leasedBy: "w1", at: location)
                #expect(!held.isEmpty, "the killed worker was executing runs")
                try await waitUntil { receiver.runEvents().filter { $0.event == "sync_job_run:completed" }.count >= 8 }
                let takenOver = try await Self.finishedStatuses(of: held, at: location)
                #expect(
                    takenOver == Dictionary(uniqueKeysWithValues: held.map { ($0, "completed") }),
                    "every run of the killed worker was completed by another")
                print("figure: \(held.count) run(s) held by the killed worker, all taken over and completed")

                let truth = try await SandboxReader(client: HTTPClientForTests.shared, baseURL: sandboxURL).ticketsAndCommentCount()
                let events = receiver.runEvents()
                for run in runs {
                    let mine = events.filter { ($0.payload["sync_job_run_id"] ?? $0.payload["id"])?.stringValue == run }
                    #expect(mine.filter { $0.event == "sync_job_run:started" }.count == 1, "run \(run) started once")
                    #expect(mine.filter { $0.event == "sync_job_run:completed" }.count == 1)
                    let delivered = DeliveredRecords(mine)
                    #expect(delivered.repeatedPages <= 1, "run \(run): at most one page twice (\(delivered.repeatedPages))")
                    let tickets = delivered.ids["ticketing/tickets"] ?? []
                    let comments = delivered.ids["ticketing/comments"] ?? []
                    let ticketsMatch = tickets.sorted() == truth.tickets.sorted()
                    #expect(ticketsMatch, "run \(run): every ticket once")
                    let (count, distinct) = (comments.count, Set(comments).count)
                    #expect(count == truth.comments && distinct == truth.comments, "run \(run): every comment once")
                    let final = try await api.get(url, "/sync-job-run/\(run)")
                    #expect(final["status"] == "completed")
                }
            }
        }
    }

    /// One live process per `--worker-id`: a second worker with an id in use is refused (exit 1, `worker_id_in_use`)
    /// while the first keeps working; once the first is gone, the id can be taken again.
    @Test(.enabled(if: TestStores.checksPostgres, postgresMissingReason))
    func aSecondWorkerWithTheSameIdIsRefused() async throws {
        let location = try await TestStores.newLocation(.postgres)
        let database = try CLIProcess.postgresDatabase(location)
        let migrated = try await CLIProcess.run(["migrate", "--database-url", database], directory: directory)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let first = try CLIProcess.worker(database: database, directory: directory, log: "first.log", extra: ["--worker-id", "pod-a"])
        defer { if first.isRunning { first.terminate() } }
        let log = directory.appendingPathComponent("first.log")
        try await waitUntil { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("engine started") }
        let second = try await CLIProcess.run(["worker", "--database-url", database, "--worker-id", "pod-a"], directory: directory)
        #expect(second.status != 0)
        #expect(second.stderr.contains("worker_id_in_use"), "\(second.stderr)")
        #expect(first.isRunning)
        first.terminate()
        await CLIProcess.waitForExit(first)
        let third = try CLIProcess.worker(database: database, directory: directory, log: "third.log", extra: ["--worker-id", "pod-a"])
        let thirdLog = directory.appendingPathComponent("third.log")
        try await waitUntil { ((try? String(contentsOf: thirdLog, encoding: .utf8)) ?? "").contains("engine started") }
        #expect(third.isRunning)
        third.terminate()
        await CLIProcess.waitForExit(third)
    }

    /// Reads the database at `location` with SQL, closing the store afterwards.
    static func reading<R: Sendable>(_ location: TestStores.Location, _ body: @Sendable @escaping (any SQLDatabase) async throws -> R) async throws
        -> R
    {
        try await withStore(at: location) { store in
            try await store.transaction { session in try await body(try #require(session as? SQLSession).db) }
        }
    }

    /// The unfinished runs whose lease `owner` holds, read straight from the database.
    static func unfinishedRuns(leasedBy owner: String, at location: TestStores.Location) async throws -> [String] {
        try await reading(location) { db in
            try await db.select().column("id").from("sync_job_runs")
                .where("lease_owner", .equal, owner).where("status", .in, ["created", "running", "rate_limited"]).all()
                .map { try $0.decode(column: "id", as: String.self) }
        }
    }

    /// The status of each of `runs`.
    static func finishedStatuses(of runs: [String], at location: TestStores.Location) async throws -> [String: String] {
        try await reading(location) { db in
            var out: [String: String] = [:]
            for row in try await db.select().columns("id", "status").from("sync_job_runs").where("id", .in, runs).all() {
                out[try row.decode(column: "id", as: String.self)] = try row.decode(column: "status", as: String.self)
            }
            return out
        }
    }
}

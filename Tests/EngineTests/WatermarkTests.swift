import Foundation
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Synchronization
import Testing

/// `previous_run_date` per resource: a resource's watermark moves only in a completed run in which it completed
/// cleanly, so a page skipped after a `record_error` is fetched again by the next run instead of being lost.
@Suite struct WatermarkTests {
    static let job: JSONValue = [
        ["resource": "ticketing/users", "method": "list", "query": ["updated_at": ["gt": "{{previous_run_date}}"]]],
        ["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": ["gt": "{{previous_run_date}}"]]],
    ]

    /// Delivered records of one run and resource.
    static func records(_ h: EngineHarness, run: JSONValue, _ resource: String) -> [String] {
        h.events().filter { $0.event == "sync_job_run:record" && $0.payload["sync_job_run_id"] == run["id"] && $0.resource == resource }
            .flatMap(\.records).compactMap { $0["id"]?.stringValue }
    }

    /// The second export page fails for good: the run completes with `error` naming the incomplete resource, its
    /// tickets keep their (empty) watermark and the next run delivers every ticket; users, clean, moved on.
    @Test(arguments: StoreKind.available)
    func skippedPagesAreFetchedAgainByTheNextRun(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 2_500) { h in
            let webhook = try await h.webhook()
            let account = try await h.account()
            let job = try await h.job(Self.job)
            let world = Set(try await h.zendeskAll("/api/v2/tickets.json", key: "tickets").map { String(Int($0["id"]!.numberValue!)) })
            let users = try await h.zendeskAll("/api/v2/users.json", key: "users").filter { $0["role"] != "end-user" }.count
            // Page 1 of the ticket export passes; page 2 fails on both attempts the test policy makes.
            _ = try await h.zendesk(.POST, "/__sandbox/faults", ["status": 500, "count": 2, "skip": 1, "path_contains": "incremental/tickets"])

            let first = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(first["status"] == "completed")
            #expect(
                first["error"]
                    == "incomplete: ticketing/tickets (1 failed request); the next run fetches these resources again from their last clean run"
            )
            #expect(first["resource_stats"]?["ticketing/tickets"]?["complete"] == false)
            #expect(first["resource_stats"]?["ticketing/tickets"]?["errors"] == 1)
            #expect(first["resource_stats"]?["ticketing/users"]?["complete"] == true)
            let firstTickets = Self.records(h, run: first, "ticketing/tickets")
            #expect(firstTickets.count == 1_000)
            #expect(Self.records(h, run: first, "ticketing/users").count == users)
            try await h.waitForEvent("sync_job_run:completed")
            let completed = h.events().first { $0.event == "sync_job_run:completed" }
            #expect(completed?.payload["error"] == first["error"])

            let second = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(second["status"] == "completed")
            #expect(second["error"] == .null)
            #expect(second["resource_stats"]?["ticketing/tickets"]?["complete"] == true)
            let secondTickets = Self.records(h, run: second, "ticketing/tickets")
            #expect(Set(secondTickets) == world, "the tickets' watermark did not move: every ticket again")
            #expect(Set(firstTickets).union(secondTickets) == world)
            #expect(Self.records(h, run: second, "ticketing/users").isEmpty, "users completed cleanly: only changes")

            let third = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(third["status"] == "completed")
            #expect(Self.records(h, run: third, "ticketing/tickets").isEmpty, "now the tickets' watermark moved too")
        }
    }

    /// A dependent's failed request keeps its parent's watermark: the parent's records are the only way back to it.
    @Test(arguments: StoreKind.available)
    func anIncompleteDependentKeepsItsParentsWatermark(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 30) { h in
            let webhook = try await h.webhook()
            let account = try await h.account()
            let job = try await h.job([
                ["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": ["gt": "{{previous_run_date}}"]]],
                [
                    "resource": "ticketing/comments", "method": "list", "depends_on": "ticketing/tickets",
                    "query": ["ticket_id": "{{resources.ticketing.tickets.id}}"],
                ],
            ])
            // Ticket 4's comments fail twice (every attempt); by path, since dependents' requests are in flight
            // several at once and arrive in any order.
            _ = try await h.zendesk(.POST, "/__sandbox/faults", ["status": 500, "count": 2, "path_contains": "/tickets/4/comments.json"])
            let first = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(first["status"] == "completed")
            #expect(
                first["error"]
                    == "incomplete: ticketing/tickets (a dependent was incomplete), ticketing/comments (1 failed request); the next run fetches these resources again from their last clean run"
            )
            #expect(first["resource_stats"]?["ticketing/tickets"]?["complete"] == false)
            let second = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(Self.records(h, run: second, "ticketing/tickets").count == 30)
            #expect(second["error"] == .null)
        }
    }

    /// Runs that fail or are stopped move no watermark: changes made after the last completed run arrive in the
    /// next completed one.
    @Test(arguments: StoreKind.available)
    func failedAndStoppedRunsMoveNoWatermark(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 40) { h in
            let webhook = try await h.webhook()
            let account = try await h.account()
            let job = try await h.job(Self.job)
            let first = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(Self.records(h, run: first, "ticketing/tickets").count == 40)

            _ = try await h.zendesk(.PUT, "/api/v2/tickets/7.json", ["ticket": ["status": "pending"]])
            _ = try await h.zendesk(.POST, "/__sandbox/faults", ["status": 500, "count": 2, "path_contains": "incremental/tickets"])
            let failed = try await h.run(job: job, account: account, webhook: webhook.id, ["error_handling": "fail_fast"])
            #expect(failed["status"] == "failed")

            _ = try await h.zendesk(.PUT, "/api/v2/tickets/9.json", ["ticket": ["priority": "urgent"]])
            // Stopped while the receiver holds its answer to the run's first page (users): tickets are never reached.
            let stoppedId = Mutex<String?>(nil)
            let api = h.api
            h.receiver.beforeAnswering("sync_job_run:record") {
                while stoppedId.withLock({ $0 }) == nil { try? await Task.sleep(for: .milliseconds(5)) }
                _ = try? await api.request(.PATCH, "/sync-job-run/\(stoppedId.withLock { $0 }!)", json: ["status": "stopped"])
            }
            stoppedId.withLock { $0 = nil }
            let started = try await h.startRun(job: job, account: account, webhook: webhook.id)
            stoppedId.withLock { $0 = started }
            let stopped = try await h.waitForRun(started)
            #expect(stopped["status"] == "stopped")
            #expect(stopped["resource_stats"]?["ticketing/tickets"] == nil)

            let last = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(last["status"] == "completed")
            #expect(Set(Self.records(h, run: last, "ticketing/tickets")) == ["7", "9"])
        }
    }

    /// A truncated page is retried like a 5xx instead of being skipped.
    @Test(arguments: StoreKind.available)
    func truncatedPagesAreRetried(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 1_200) { h in
            let webhook = try await h.webhook()
            let account = try await h.account()
            let job = try await h.job(.array([Self.job.arrayValue![1]]))
            _ = try await h.zendesk(
                .POST, "/__sandbox/faults", ["status": 200, "malformed": true, "count": 1, "skip": 1, "path_contains": "incremental/tickets"])
            let run = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(run["status"] == "completed")
            #expect(run["error"] == .null)
            #expect(h.events().map(\.label).contains("sync_job_run:record_error") == false)
            #expect(Set(Self.records(h, run: run, "ticketing/tickets")).count == 1_200)
        }
    }

    /// Runs completed before watermarks existed still count: until a job and account have watermarks, every
    /// resource starts from the last completed run, as it did then.
    @Test(arguments: StoreKind.available)
    func runsCompletedBeforeWatermarksStillCount(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 20, engineRunning: false) { h in
            let webhook = try await h.webhook()
            let account = try await h.account()
            let job = try await h.job(Self.job)
            // A run as an older version left it: completed, with no watermarks written.
            let old = try #require(UUID(uuidString: try await h.startRun(job: job, account: account, webhook: webhook.id)))
            let store = h.store
            try await store.transaction { s in
                let env = try #require(try await s.environment(named: "default")).id
                var run = try await s.require(SyncJobRun.self, id: old, environmentId: env)
                run.status = .completed
                run.startedAt = Date()
                run.finishedAt = Date()
                try await s.update(run)
            }
            _ = try await h.zendesk(.PUT, "/api/v2/tickets/5.json", ["ticket": ["status": "pending"]])
            try await h.whileEngineRuns {
                let next = try await h.run(job: job, account: account, webhook: webhook.id)
                #expect(Self.records(h, run: next, "ticketing/tickets") == ["5"])
                // From now on the job and account have a watermark per resource: this run's start.
                let marks = try await store.transaction { s in
                    let env = try #require(try await s.environment(named: "default")).id
                    return try await s.resourceWatermarks(
                        syncJobId: try #require(UUID(uuidString: job)), integratedAccountId: try #require(UUID(uuidString: account)),
                        environmentId: env
                    )
                }
                let started = try #require(next["started_at"]?.stringValue.flatMap(Timestamp.parse))
                #expect(marks == ["ticketing/users": started, "ticketing/tickets": started])
            }
        }
    }
}

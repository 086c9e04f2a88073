import Engine
import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Sync job queries written in JSONata: the incremental query that falls back from an argument to previous_run_date.
@Suite struct JSONataQueryTests {
    static let seedQuery = "{ 'updated_at': { 'gt': args.ticket_sync_start_date ? args.ticket_sync_start_date : previous_run_date } }"

    /// With `args.ticket_sync_start_date` the run gets exactly the tickets updated after it; without, the next run
    /// falls back to `previous_run_date` and gets only what changed since.
    @Test func seedQueryUsesArgsThenPreviousRunDate() async throws {
        try await withEngine(.sqlite, tickets: 60) { h in
            let webhook = try await h.webhook(eventTypes: ["sync_job_run:record", "sync_job_run:completed"])
            let account = try await h.account()
            let job = try await h.job(
                [["resource": "ticketing/tickets", "method": "list", "query": .string(Self.seedQuery)]],
                argsSchema: ["type": "object", "properties": ["ticket_sync_start_date": ["type": "string", "format": "date-time"]]]
            )
            let tickets = try await h.zendeskAll("/api/v2/tickets.json", key: "tickets")
            let stamps = tickets.compactMap { $0["updated_at"]?.stringValue }.sorted()
            let since = stamps[stamps.count / 2]
            let expected = tickets.filter { ($0["updated_at"]?.stringValue ?? "") > since }.map { String(Int($0["id"]!.numberValue!)) }.sorted()
            #expect(!expected.isEmpty && expected.count < 60)

            let first = try await h.run(job: job, account: account, webhook: webhook.id, ["args": ["ticket_sync_start_date": .string(since)]])
            #expect(first["status"] == "completed", "\(first.jsonString())")
            try await h.waitForEvent("sync_job_run:completed")
            let delivered = h.events().flatMap(\.records).compactMap { $0["id"]?.stringValue }.sorted()
            #expect(delivered == expected)

            // The change lands in a later second than the first run's start: the sandbox's clock moves on, no waiting.
            _ = try await h.zendesk(.POST, "/__sandbox/clock", ["advance_seconds": 2])
            _ = try await h.zendesk(.PUT, "/api/v2/tickets/7.json", ["ticket": ["status": "solved"]])
            let before = h.events().count
            let second = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(second["status"] == "completed")
            try await waitUntil { h.events().count >= before + 2 }
            let secondIds = h.events().dropFirst(before).flatMap(\.records).compactMap { $0["id"]?.stringValue }
            #expect(secondIds == ["7"])
        }
    }

    /// A query that is not JSONata is refused when the job is created, naming the field, the code and the position.
    @Test func invalidQueryIsRefusedAtCreation() async throws {
        try await withEngine(.sqlite, tickets: 1) { h in
            let r = try await h.api.request(
                .POST, "/sync-job",
                json: ["integration_name": "zendesk", "resources": [["resource": "ticketing/tickets", "method": "list", "query": "{ 'a': }"]]]
            )
            #expect(r.status == 422)
            #expect(
                failureLines(r.json) == [
                    "resources[0].query: is not a valid JSONata expression: S0211 at position 8: The symbol cannot be used as a unary operator"
                ])
        }
    }

    /// A query that evaluates to something other than an object is a request error for that resource
    /// (`record_error` with `ignore`), not a crash.
    @Test func nonObjectResultIsARecordError() async throws {
        try await withEngine(.sqlite, tickets: 3) { h in
            let webhook = try await h.webhook()
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list", "query": "[1, 2]"]])
            let run = try await h.run(job: job, account: try await h.account(), webhook: webhook.id)
            #expect(run["status"] == "completed")
            try await h.waitForEvent("sync_job_run:completed")
            let errors = h.events().filter { $0.event == "sync_job_run:record_error" }
            #expect(errors.count == 1)
            let message = errors.first?.payload["error"]?["message"]?.stringValue ?? ""
            #expect(message == "query expression must evaluate to an object, not array")
        }
    }

    /// A run stuck in a query's catastrophic regex is stopped through the API: the stop cancels the evaluation
    /// itself. The engine has one slot, so a second run can start only once the stopped run's executor let go; by
    /// then the stopped run must have sent nothing more. (Before, the match ran on until the query's time limit, here
    /// 120 s, and the run then reported U1002 as a `record_error` although it had been stopped.)
    @Test(arguments: StoreKind.available)
    func stoppingARunCancelsItsEvaluation(kind: StoreKind) async throws {
        var configuration = testEngineConfiguration
        configuration.maxConcurrentRuns = 1
        configuration.stopCheckInterval = .milliseconds(100)
        // Far longer than the stop can take, so that only the stop can end the evaluation (a loaded machine may
        // take seconds to send it).
        configuration.queryTimeLimit = .seconds(120)
        try await withEngine(kind, tickets: 3, configuration: configuration) { h in
            let webhook = try await h.webhook()
            let account = try await h.account()
            let stuck = try await h.job([
                [
                    "resource": "ticketing/tickets", "method": "list",
                    "query": "{ 'q': $contains($pad('', 40, 'a') & '!', /(a+)+$/) }",
                ]
            ])
            let plain = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
            let first = try await h.startRun(job: stuck, account: account, webhook: webhook.id)
            try await waitUntil { h.events().contains { $0.event == "sync_job_run:started" && $0.payload["id"]?.stringValue == first } }
            let stop = try await h.api.request(.PATCH, "/sync-job-run/\(first)", json: ["status": "stopped"])
            #expect(stop.status == 200)
            let second = try await h.run(job: plain, account: account, webhook: webhook.id)
            #expect(second["status"] == "completed")
            try await h.waitForEvent("sync_job_run:completed")
            let ofFirst = h.events().filter { $0.payload["sync_job_run_id"]?.stringValue == first || $0.payload["id"]?.stringValue == first }
            #expect(ofFirst.map(\.event) == ["sync_job_run:created", "sync_job_run:started", "sync_job_run:updated"])
            let run = try await h.api.request(.GET, "/sync-job-run/\(first)")
            #expect(run.string("status") == "stopped")
        }
    }
}

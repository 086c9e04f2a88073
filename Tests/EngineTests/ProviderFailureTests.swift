import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@Suite struct ProviderFailureTests {
    static let job: JSONValue = [
        ["resource": "ticketing/users", "method": "list"],
        ["resource": "ticketing/tickets", "method": "list"],
        ["resource": "ticketing/contacts", "method": "list"],
    ]

    func inject(_ h: EngineHarness, _ fault: JSONValue) async throws {
        _ = try await h.zendesk(.POST, "/__sandbox/faults", fault)
    }

    /// `ignore` (default): a request that keeps failing sends `record_error` and the run goes on.
    @Test(arguments: StoreKind.available)
    func ignoreReportsTheErrorAndContinues(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 10) { h in
            let webhook = try await h.webhook()
            let job = try await h.job(Self.job)
            // Two 500s: the first attempt and its one retry (the test policy allows two attempts).
            try await inject(h, ["status": 500, "count": 2, "path_contains": "tickets.json"])
            let run = try await h.run(job: job, account: try await h.account(), webhook: webhook.id)
            #expect(run["status"] == "completed")
            try await h.waitForEvent("sync_job_run:completed")
            let events = h.events()
            #expect(
                events.map(\.label) == [
                    "sync_job_run:created", "sync_job_run:started", "record:ticketing/users", "sync_job_run:record_error",
                    "record:ticketing/contacts", "sync_job_run:completed",
                ])
            let error = events[3].payload
            #expect(error["resource"] == "ticketing/tickets")
            #expect(error["method"] == "list")
            #expect(error["error"]?["status"] == 500)
            #expect(error["error"]?["request"] == "GET /api/v2/tickets.json?page[size]=100")
            #expect(run["resource_stats"]?["ticketing/tickets"]?["errors"] == 1)
        }
    }

    /// A single 5xx is retried and nobody notices.
    @Test func transientErrorIsRetried() async throws {
        try await withEngine(.sqlite, tickets: 10) { h in
            let webhook = try await h.webhook()
            try await inject(h, ["status": 503, "count": 1, "path_contains": "tickets.json"])
            let run = try await h.run(job: try await h.job(Self.job), account: try await h.account(), webhook: webhook.id)
            #expect(run["status"] == "completed")
            #expect(h.events().map(\.label).contains("sync_job_run:record_error") == false)
            #expect(h.events().filter { $0.resource == "ticketing/tickets" }.flatMap(\.records).count == 10)
        }
    }

    /// A connection dropped in the middle of an answer is a transient failure: retried, and nobody notices.
    @Test func droppedConnectionIsRetried() async throws {
        try await withEngine(.sqlite, tickets: 10) { h in
            let webhook = try await h.webhook()
            try await inject(h, ["status": 200, "drop": true, "count": 1, "path_contains": "tickets.json"])
            let run = try await h.run(job: try await h.job(Self.job), account: try await h.account(), webhook: webhook.id)
            #expect(run["status"] == "completed")
            #expect(h.events().map(\.label).contains("sync_job_run:record_error") == false)
            #expect(h.events().filter { $0.resource == "ticketing/tickets" }.flatMap(\.records).count == 10)
            let log = try await h.zendesk(.GET, "/__sandbox/stats")["log"]?.arrayValue ?? []
            #expect(log.filter { $0["path"]?.stringValue?.contains("tickets.json") == true }.count == 2)
        }
    }

    /// `fail_fast`: the first failed request ends the run as failed, saying why.
    @Test(arguments: StoreKind.available)
    func failFastEndsTheRun(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 10) { h in
            let webhook = try await h.webhook()
            try await inject(h, ["status": 500, "count": 2, "path_contains": "tickets.json"])
            let run = try await h.run(
                job: try await h.job(Self.job), account: try await h.account(), webhook: webhook.id, ["error_handling": "fail_fast"])
            #expect(run["status"] == "failed")
            #expect(run["error"]?.stringValue?.hasPrefix("ticketing/tickets list failed: transient (500)") == true, "\(run.jsonString())")
            try await h.waitForEvent("sync_job_run:failed")
            let events = h.events()
            #expect(events.map(\.label) == ["sync_job_run:created", "sync_job_run:started", "record:ticketing/users", "sync_job_run:failed"])
            #expect(events.last?.payload["error"] == run["error"])
        }
    }

    /// A 429 sends `rate_limited` with the provider's wait, the engine waits that long, then records continue.
    @Test(arguments: StoreKind.available)
    func rateLimitIsWaitedOut(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 10) { h in
            let webhook = try await h.webhook()
            try await inject(h, ["status": 429, "count": 1, "path_contains": "tickets.json", "retry_after": 1])
            let run = try await h.run(job: try await h.job(Self.job), account: try await h.account(), webhook: webhook.id)
            #expect(run["status"] == "completed")
            try await h.waitForEvent("sync_job_run:completed")
            let events = h.events()
            #expect(
                events.map(\.label) == [
                    "sync_job_run:created", "sync_job_run:started", "record:ticketing/users", "sync_job_run:rate_limited", "record:ticketing/tickets",
                    "record:ticketing/contacts", "sync_job_run:completed",
                ])
            let limited = events[3]
            #expect(limited.payload["resource"] == "ticketing/tickets")
            #expect(limited.payload["retry_after"] == 1)
            let sent = try #require(limited.envelope["created_at"]?.stringValue.flatMap(Timestamp.parse))
            let resumeAt = try #require(limited.payload["resume_at"]?.stringValue.flatMap(Timestamp.parse))
            #expect(abs(resumeAt.timeIntervalSince(sent) - 1) < 0.01)
            // The next record was sent no earlier than resume_at: its envelope is stamped when it is sent.
            let next = try #require(events[4].envelope["created_at"]?.stringValue.flatMap(Timestamp.parse))
            #expect(next >= resumeAt.addingTimeInterval(-0.001), "waited \(next.timeIntervalSince(sent)) s")
            let stats = try await h.zendesk(.GET, "/__sandbox/stats")
            #expect(stats["by_status"]?["429"] == 1)
        }
    }

    /// Rejected credentials end the run whatever the error handling: every later request would fail too.
    @Test func rejectedCredentialsFailTheRun() async throws {
        try await withEngine(.sqlite, tickets: 5) { h in
            let webhook = try await h.webhook()
            let r = try await h.api.request(
                .POST, "/integrated-account",
                json: [
                    "integration_name": "zendesk", "tenant_id": "t",
                    "context": ["base_url": .string(h.sandboxURL), "email": "admin@example.com", "api_token": "wrong"],
                ]
            )
            let account = try #require(r.string("id"))
            let run = try await h.run(job: try await h.job(Self.job), account: account, webhook: webhook.id)
            #expect(run["status"] == "failed")
            #expect(
                run["error"]?.stringValue?.hasPrefix("ticketing/users: the provider rejected the account's credentials") == true,
                "\(run.jsonString())")
            // The account now needs re-authentication, says why, and the webhook hears about it.
            let after = try await h.api.request(.GET, "/integrated-account/\(account)").json
            #expect(after["status"] == "needs_reauth")
            #expect(after["last_error"]?.stringValue?.hasPrefix("authentication failed:") == true, "\(after.jsonString())")
            try await waitUntil {
                h.receiver.deliveries.contains { (try? JSONParser.parse($0.body)["event"]?.stringValue) == "integrated_account:authentication_error" }
            }
            let again = try await h.api.request(
                .POST, "/sync-job-run",
                json: ["sync_job_id": run["sync_job_id"]!, "integrated_account_id": .string(account), "webhook_id": .string(webhook.id)]
            )
            #expect(again.status == 409, "no new runs until the credentials are fixed")
            let fixed = try await h.api.request(.PATCH, "/integrated-account/\(account)", json: ["context": ["api_token": "sandbox-token"]])
            #expect(fixed.json["status"] == "active")
        }
    }
}

import Engine
import Foundation
import JSONCore
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Synchronization
import Testing

/// Dependents' requests in flight ahead of the walk (`dependentConcurrency`, a job's `concurrency`): what the
/// receiver sees is exactly what the one-at-a-time walk delivers, failures included, at the same positions.
@Suite struct DependentConcurrencyTests {
    /// Seed 000's job: users, contacts, tickets, the comments of every ticket.
    static let referenceJob = seedJob
    /// Tickets by id over `args.ticket_ids` (`loop_on`), and each one's comments.
    static let loopJob: JSONValue = [
        ["resource": "ticketing/tickets", "method": "get", "loop_on": "{{args.ticket_ids}}", "id": "{{args.ticket_ids}}"],
        [
            "resource": "ticketing/comments", "method": "list", "depends_on": "ticketing/tickets",
            "query": ["ticket_id": "{{resources.ticketing.tickets.id}}"],
        ],
    ]
    static let loopArgs: JSONValue = ["ticket_ids": .array((1...40).reversed().map { .string(String($0)) })]

    /// What a receiver can compare between two runs: each event's kind, records, page, parent and error, without the
    /// ids, times and sandbox address that differ from run to run.
    static func projection(_ events: [ReceivedEvent]) -> [String] {
        events.map { e in
            let meta = e.payload["meta"]
            let shown: JSONValue = [
                "label": .string(e.label), "records": .array(e.records), "page": meta?["page"] ?? .null, "parent": meta?["parent"] ?? .null,
                "is_last_page": meta?["is_last_page"] ?? .null, "error": e.payload["error"]?["status"] ?? .null,
                "retry_after": e.payload["retry_after"] ?? .null,
                "run_error": e.payload["error"].flatMap { $0.stringValue.map(JSONValue.string) } ?? .null,
            ]
            return shown.jsonString(sortedKeys: true).replacingOccurrences(
                of: #"http://127\.0\.0\.1:[0-9]+"#, with: "SANDBOX", options: .regularExpression)
        }
    }

    /// Expects two projections equal, naming the first event where they differ.
    static func expectSame(_ got: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        guard got != expected else { return }
        let i = (0..<min(got.count, expected.count)).first { got[$0] != expected[$0] } ?? min(got.count, expected.count)
        Issue.record(
            "\(got.count) events against \(expected.count); first difference at \(i): \(i < got.count ? got[i] : "none") against \(i < expected.count ? expected[i] : "none")",
            sourceLocation: sourceLocation)
    }

    static func configuration(_ k: Int) -> EngineConfiguration {
        var c = testEngineConfiguration
        c.dependentConcurrency = k
        return c
    }

    /// Runs `job` on a fresh engine with `k` requests ahead; `prepare` runs on the sandbox first (faults). Returns the
    /// run's final state and the events, once the run's last event arrived.
    static func runJob(
        _ job: JSONValue, k: Int, tickets: Int = 60, extra: [String: JSONValue] = [:], argsSchema: JSONValue? = nil, oauth: Bool = false,
        prepare: @Sendable @escaping (EngineHarness) async throws -> Void = { _ in }, during: (@Sendable (EngineHarness) -> Void)? = nil
    ) async throws -> (run: JSONValue, events: [ReceivedEvent]) {
        let body: @Sendable (EngineHarness) async throws -> (run: JSONValue, events: [ReceivedEvent]) = { h in
            try await prepare(h)
            during?(h)
            let webhook = try await h.webhook()
            let account: String
            if oauth {
                let tokens = try await OAuthRefreshTests.grant(h, lifetime: 1800)
                account = try await OAuthRefreshTests.oauthAccount(h, tokens: tokens, lifetime: 1800, clock: SharedTestClock())
            } else {
                account = try await h.account()
            }
            let run = try await h.run(job: try await h.job(job, argsSchema: argsSchema), account: account, webhook: webhook.id, extra)
            try await h.waitForEvent(run["status"] == "completed" ? "sync_job_run:completed" : "sync_job_run:failed")
            return (run, h.events())
        }
        guard oauth else { return try await withEngine(.sqlite, tickets: tickets, configuration: configuration(k), body) }
        return try await OAuthRefreshTests().withOAuthEngine(.sqlite, tickets: tickets, configuration: configuration(k)) { h in
            try await h.whileEngineRuns { try await body(h) }
        }
    }

    static let loopSchema: JSONValue = ["ticket_ids": ["type": "array", "items": ["type": "string"]]]

    @Test(arguments: ["reference", "loop_on"])
    func eightInFlightDeliverExactlyWhatOneDoes(job: String) async throws {
        let (resources, extra, schema): (JSONValue, [String: JSONValue], JSONValue?) =
            job == "reference" ? (Self.referenceJob, [:], nil) : (Self.loopJob, ["args": Self.loopArgs], Self.loopSchema)
        let one = try await Self.runJob(resources, k: 1, extra: extra, argsSchema: schema)
        let eight = try await Self.runJob(resources, k: 8, extra: extra, argsSchema: schema)
        #expect(one.run["status"] == "completed")
        #expect(eight.run["status"] == "completed")
        let comments = one.events.filter { $0.label == "record:ticketing/comments" }
        #expect(comments.count >= (job == "reference" ? 60 : 40))
        Self.expectSame(Self.projection(eight.events), Self.projection(one.events))
        if job == "loop_on" {
            #expect(comments.first?.payload["meta"]?["parent"]?["id"] == "40")
        }
    }

    /// While the first ticket's comments are being delivered, the next tickets' comments have been asked for.
    @Test func theNextDependentsAreInFlightDuringADelivery() async throws {
        let seen = Mutex<Int>(0)
        let result = try await Self.runJob(Self.referenceJob, k: 8) { _ in
        } during: { h in
            h.receiver.beforeAnsweringEach { body in
                // Only the first comments page is held: until the sandbox has served 8 comment requests.
                guard body.contains("\"ticketing/comments\""), body.contains("sync_job_run:record"), seen.withLock({ $0 }) == 0 else { return }
                let deadline = ContinuousClock.now + TestPatience.long
                while ContinuousClock.now < deadline {
                    let log = (try? await h.zendesk(.GET, "/__sandbox/stats"))?["log"]?.arrayValue ?? []
                    let comments = log.filter { $0["path"]?.stringValue?.hasSuffix("/comments.json") == true }.count
                    if comments >= 8 {
                        seen.withLock { $0 = comments }
                        return
                    }
                    try? await Task.sleep(for: .milliseconds(10))
                }
                seen.withLock { $0 = -1 }
            }
        }
        #expect(result.run["status"] == "completed")
        #expect(seen.withLock { $0 } >= 8)
    }

    /// A job's `concurrency` lowers the engine's setting: 1 asks one request at a time, so while the first comments
    /// page is being delivered, no later ticket's comments have been asked for.
    @Test func aJobsConcurrencyOfOneAsksOneAtATime() async throws {
        let served = Mutex<[Int]>([])
        let job = Self.referenceJob.arrayValue!
        let result = try await withEngine(.sqlite, tickets: 30, configuration: Self.configuration(8)) { h in
            h.receiver.beforeAnsweringEach { body in
                guard body.contains("\"ticketing/comments\""), body.contains("sync_job_run:record") else { return }
                let log = (try? await h.zendesk(.GET, "/__sandbox/stats"))?["log"]?.arrayValue ?? []
                served.withLock { $0.append(log.filter { $0["path"]?.stringValue?.hasSuffix("/comments.json") == true }.count) }
            }
            let webhook = try await h.webhook()
            let r = try await h.api.request(.POST, "/sync-job", json: ["integration_name": "zendesk", "resources": .array(job), "concurrency": 1])
            #expect(r.status == 201)
            #expect(r.json["concurrency"] == 1)
            return try await h.run(job: try #require(r.string("id")), account: try await h.account(), webhook: webhook.id)
        }
        #expect(result["status"] == "completed")
        // Deliveries of comments pages: the n-th (n ≥ 1) happens when exactly n comment requests were served.
        let counts = served.withLock { $0 }
        #expect(counts.count == 30)
        #expect(counts == Array(0..<counts.count).map { $0 + 1 })
    }

    /// A failure at the 37th dependent request is reported where the one-at-a-time walk meets it, with 8 in flight:
    /// a 429 (waited out, then the page), a 500 that persists (`record_error` with `ignore`, the run fails with
    /// `fail_fast`), and a 401 that persists after a token renewal (the run fails, needing re-authentication).
    @Test(arguments: [(429, "ignore"), (500, "ignore"), (500, "fail_fast"), (401, "ignore"), (401, "fail_fast")])
    func aFailureAheadIsReportedInOrder(status: Int, handling: String) async throws {
        let fault: JSONValue = [
            "status": .number(Double(status)), "count": status == 429 ? 1 : 50, "path_contains": "/tickets/37/comments", "retry_after": 1,
        ]
        let prepare: @Sendable (EngineHarness) async throws -> Void = { h in _ = try await h.zendesk(.POST, "/__sandbox/faults", fault) }
        let extra: [String: JSONValue] = ["error_handling": .string(handling)]
        let one = try await Self.runJob(Self.referenceJob, k: 1, extra: extra, oauth: status == 401, prepare: prepare)
        let eight = try await Self.runJob(Self.referenceJob, k: 8, extra: extra, oauth: status == 401, prepare: prepare)
        Self.expectSame(Self.projection(eight.events), Self.projection(one.events))
        #expect(eight.run["status"] == one.run["status"])
        let labels = eight.events.map(\.label)
        let commentPages = labels.indices.filter { labels[$0] == "record:ticketing/comments" }
        #expect(commentPages.count >= 36)
        let after36 = commentPages[35] + 1
        switch (status, handling) {
        case (429, _):
            #expect(labels[after36] == "sync_job_run:rate_limited")
            #expect(eight.events[after36 + 1].payload["meta"]?["parent"]?["id"] == "37")
            #expect(eight.run["status"] == "completed")
        case (500, "ignore"):
            #expect(labels[after36] == "sync_job_run:record_error")
            #expect(eight.events[after36 + 1].payload["meta"]?["parent"]?["id"] == "38")
            #expect(eight.run["status"] == "completed")
        default:
            #expect(labels[after36] == "sync_job_run:failed")
            #expect(labels.count == after36 + 1)
            #expect(eight.run["status"] == "failed")
        }
        if status == 401 {
            // The 401 was answered twice: the first attempt, and the one after the token was renewed.
            #expect(eight.run["error"]?.stringValue?.contains("credentials") == true, "\(eight.run["error"] ?? .null)")
        }
    }
}

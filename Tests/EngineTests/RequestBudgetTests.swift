import Engine
import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// The per-account request budget: several runs on one account share one token bucket, so together they stay under
/// the provider's limit instead of provoking a storm of 429s.
@Suite struct RequestBudgetTests {
    /// Tickets, then each ticket's comments: 1 + 12 requests per run.
    static let job: JSONValue = [
        ["resource": "ticketing/tickets", "method": "list"],
        [
            "resource": "ticketing/comments", "method": "list", "depends_on": "ticketing/tickets",
            "query": ["ticket_id": "{{resources.ticketing.tickets.id}}"],
        ],
    ]

    /// Three runs of three jobs on one account at once, against a sandbox allowing 20 requests per 2-second window.
    /// Returns the sandbox's request statistics and the events received.
    func threeConcurrentRuns(_ kind: StoreKind, budget: RequestBudget?) async throws -> (stats: JSONValue, events: [ReceivedEvent], runs: [JSONValue])
    {
        var configuration = testEngineConfiguration
        configuration.accountBudget = budget
        configuration.maxConcurrentRuns = 3
        return try await withEngine(kind, tickets: 12, configuration: configuration) { h in
            let webhook = try await h.webhook()
            let account = try await h.account()
            var jobs: [String] = []
            for _ in 0..<3 { jobs.append(try await h.job(Self.job)) }
            _ = try await h.zendesk(.POST, "/__sandbox/settings", ["rate_limit": 20, "rate_limit_window": 2])
            _ = try await h.zendesk(.POST, "/__sandbox/stats/reset")
            var ids: [String] = []
            for job in jobs { ids.append(try await h.startRun(job: job, account: account, webhook: webhook.id)) }
            var runs: [JSONValue] = []
            for id in ids { runs.append(try await h.waitForRun(id)) }
            let stats = try await h.zendesk(.GET, "/__sandbox/stats")
            return (stats, h.events(), runs)
        }
    }

    /// At 360 requests a minute with bursts of 1 (at most 13 in any 2 seconds) the sandbox's 20 per window is never
    /// hit; the margin absorbs requests bunched up by a busy machine.
    @Test(arguments: StoreKind.available)
    func sharedBudgetProvokesNo429(kind: StoreKind) async throws {
        let (stats, events, runs) = try await threeConcurrentRuns(kind, budget: RequestBudget(perMinute: 360, burst: 1))
        #expect(stats["rate_limited"] == 0, "\(stats.jsonString())")
        #expect(stats["requests_total"] == 39, "\(stats.jsonString())")
        #expect(runs.map { $0["status"] } == ["completed", "completed", "completed"])
        #expect(events.filter { $0.event == "sync_job_run:rate_limited" || $0.event == "sync_job_run:record_error" }.isEmpty)
        for run in runs {
            let mine = events.filter { $0.payload["sync_job_run_id"] == run["id"] }
            #expect(mine.filter { $0.resource == "ticketing/tickets" }.flatMap(\.records).count == 12)
            #expect(mine.filter { $0.resource == "ticketing/comments" }.count == 12)
        }
    }

    /// The bucket itself, on a clock the test moves: one account's requests are spaced to the rate after the burst,
    /// another account's are not held up by them, and tokens come back as the clock moves.
    @Test func oneAccountWaitsItsTurnAnotherDoesNot() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_790_000_000))
        let budget = AccountRequestBudget(RequestBudget(perMinute: 1200, burst: 2), clock: clock)
        let busy = UUID()
        let other = UUID()
        var waits: [Double] = []
        for _ in 0..<12 { waits.append(await budget.reserve(busy)) }
        // 12 requests at once, 2 at a time, then 20 a second: the n-th waits (n − 2) / 20 s.
        let expected = (0..<12).map { Double(max(0, $0 - 1)) / 20 }
        #expect(zip(waits, expected).allSatisfy { abs($0 - $1) < 1e-9 }, "\(waits)")
        #expect(await budget.reserve(other) == 0)
        #expect(await budget.reserve(other) == 0, "another account still has its whole burst")
        // Once the clock has moved past the reservations and a burst's worth more, the account may go at once.
        clock.advance(by: 0.55 + 0.1)
        #expect(await budget.reserve(busy) == 0)
    }
}

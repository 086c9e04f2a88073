import Engine
import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// The per-account request budget in one engine: runs on one account share it, so together they stay under the
/// provider's limit instead of provoking a storm of 429s; and it follows the limit the provider advertises. Time runs
/// on a clock the sandbox and the engine share, moved a second every few milliseconds.
@Suite struct RequestBudgetTests {
    /// Tickets, then each ticket's comments: 1 + 12 requests per run.
    static let job: JSONValue = [
        ["resource": "ticketing/tickets", "method": "list"],
        [
            "resource": "ticketing/comments", "method": "list", "depends_on": "ticketing/tickets",
            "query": ["ticket_id": "{{resources.ticketing.tickets.id}}"],
        ],
    ]

    /// The most arrivals any 60-second window holds.
    static func busiestMinute(_ times: [Double]) -> Int {
        let sorted = times.sorted()
        var (best, lo) = (0, 0)
        for hi in sorted.indices {
            while sorted[hi] - sorted[lo] >= 60 { lo += 1 }
            best = max(best, hi - lo + 1)
        }
        return best
    }

    /// Three runs of three jobs on one account at once, with `budget`, against a sandbox allowing `limit` requests a
    /// minute; the shared clock moves a second every `step` until they end. Returns the sandbox's statistics, the
    /// arrival times of its rate-limited requests, the events and the runs.
    func threeConcurrentRuns(_ kind: StoreKind, limit: Int, budget: RequestBudgetConfiguration?, step: Duration = .milliseconds(10)) async throws -> (
        stats: JSONValue, arrivals: [Double], events: [ReceivedEvent], runs: [JSONValue]
    ) {
        var configuration = testEngineConfiguration
        configuration.maxConcurrentRuns = 3
        return try await withEngine(kind, tickets: 12, configuration: configuration, engineRunning: false, budget: budget) { h in
            let clock = SharedTestClock()
            let webhook = try await h.webhook()
            let account = try await h.account()
            var created: [String] = []
            for _ in 0..<3 { created.append(try await h.job(Self.job)) }
            let jobs = created
            _ = try await h.zendesk(.POST, "/__sandbox/settings", ["rate_limit": .number(Double(limit)), "rate_limit_window": 60])
            _ = try await h.zendesk(.POST, "/__sandbox/stats/reset")
            return try await h.whileEngineRuns(clock: clock) {
                var ids: [String] = []
                for job in jobs { ids.append(try await h.startRun(job: job, account: account, webhook: webhook.id)) }
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        while true {
                            try await Task.sleep(for: step)
                            await OAuthRefreshTests.advance(h, clock, by: 1)
                        }
                    }
                    var runs: [JSONValue] = []
                    for id in ids { runs.append(try await h.waitForRun(id)) }
                    group.cancelAll()
                    let stats = try await h.zendesk(.GET, "/__sandbox/stats")
                    let arrivals = try await h.zendesk(.GET, "/__sandbox/arrivals")["arrivals"]?.arrayValue ?? []
                    return (stats, arrivals.compactMap { $0["at"]?.numberValue }, h.events(), runs)
                }
            }
        }
    }

    /// 39 requests against 20 a minute: the budget spaces them three seconds apart (63 s a minute, the margin
    /// absorbing the clock's one-second steps), so no minute holds more than 20 and the sandbox never says 429.
    @Test(arguments: StoreKind.available)
    func runsSharingABudgetProvokeNo429(kind: StoreKind) async throws {
        let budget = RequestBudgetConfiguration(perMinute: [.general: 20], margin: 3)
        let (stats, arrivals, events, runs) = try await threeConcurrentRuns(kind, limit: 20, budget: budget)
        #expect(stats["rate_limited"] == 0, "\(stats.jsonString())")
        #expect(stats["requests_total"] == 39, "\(stats.jsonString())")
        #expect(arrivals.count == 39)
        #expect(Self.busiestMinute(arrivals) <= 20, "\(arrivals)")
        #expect(runs.map { $0["status"] } == ["completed", "completed", "completed"])
        #expect(events.filter { $0.event == "sync_job_run:rate_limited" || $0.event == "sync_job_run:record_error" }.isEmpty)
        for run in runs {
            let mine = events.filter { $0.payload["sync_job_run_id"] == run["id"] }
            #expect(mine.filter { $0.resource == "ticketing/tickets" }.flatMap(\.records).count == 12)
            #expect(mine.filter { $0.resource == "ticketing/comments" }.count == 12)
        }
        // Spaced by the budget: 39 requests at 20 per 63 s span at least 38 spacings (less a clock step). How close to
        // the rate they come is the three-process test's to show, where the clock moves independently of the load.
        let span = (arrivals.max() ?? 0) - (arrivals.min() ?? 0)
        #expect(span >= 38 * 3.15 - 1, "spread at the budget's rate: \(span) s")
    }

    /// Without a budget the same runs set off 429s, which is what the budget is for (the test above can fail).
    @Test func withoutABudgetTheSameRunsAreThrottled() async throws {
        // The clock moves ten times slower here, so that even on a loaded machine the unpaced requests come faster
        // than 20 a virtual minute.
        let (stats, _, _, runs) = try await threeConcurrentRuns(.sqlite, limit: 20, budget: nil, step: .milliseconds(100))
        #expect((stats["rate_limited"]?.numberValue ?? 0) > 0, "\(stats.jsonString())")
        #expect(runs.map { $0["status"] } == ["completed", "completed", "completed"], "and they still complete, waiting out each 429")
    }

    /// The configured start (600 a minute) is replaced by the sandbox's advertised 20 from its first answer on: the
    /// requests after the first answers are spaced at the learned rate.
    @Test func theAdvertisedLimitReplacesTheConfiguredOne() async throws {
        let budget = RequestBudgetConfiguration(perMinute: [.general: 600], margin: 3)
        let (stats, arrivals, _, runs) = try await threeConcurrentRuns(.sqlite, limit: 20, budget: budget)
        #expect(runs.map { $0["status"] } == ["completed", "completed", "completed"])
        // At the configured 600 a minute the 39 requests would take 4 s. Only those sent before the first answer came
        // back go at that pace; the rest are spaced at the learned 3.15 s.
        let span = (arrivals.max() ?? 0) - (arrivals.min() ?? 0)
        #expect(span >= 35 * 3.15 - 1, "the learned rate paced the run: \(span) s")
        // Paced, not throttled: a budget stuck at 600 a minute would send 20 at once, be refused, block until the
        // window resets and repeat, so almost every gap would be tiny. Here almost every gap is a spacing (less the
        // lag of a loaded machine).
        let sorted = arrivals.sorted()
        let spaced = zip(sorted.dropFirst(), sorted).filter { $0 - $1 >= 1.5 }.count
        #expect(spaced >= 30, "\(spaced) of \(sorted.count - 1) gaps are spacings: \(sorted)")
        #expect((stats["rate_limited"]?.numberValue ?? 0) <= 1, "\(stats.jsonString())")
    }
}

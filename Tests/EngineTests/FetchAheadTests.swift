import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Synchronization
import Testing

/// A resource's next page is asked for while its current page is delivered; what the receiver sees is unchanged:
/// the same pages in the same order, and a throttled or failed early request reported after the page before it.
@Suite struct FetchAheadTests {
    static let job: JSONValue = [["resource": "ticketing/tickets", "method": "list"]]

    /// Requests for the tickets list the sandbox has answered.
    func ticketListRequests(_ h: EngineHarness) async throws -> [JSONValue] {
        let log = try await h.zendesk(.GET, "/__sandbox/stats")["log"]?.arrayValue ?? []
        return log.filter { $0["path"] == "/api/v2/tickets.json" }
    }

    func ticketIds(_ h: EngineHarness) async throws -> [String] {
        try await h.zendeskAll("/api/v2/tickets.json", key: "tickets").compactMap { $0["id"].map { JSONValue.format(number: $0.numberValue ?? 0) } }
    }

    @Test func nextPageIsFetchedWhileThePageIsDelivered() async throws {
        try await withEngine(.sqlite, tickets: 250) { h in
            let webhook = try await h.webhook()
            let secondAskedBeforeFirstAnswered = Mutex(false)
            // The receiver holds its answer to the first page until the sandbox has served the second.
            h.receiver.beforeAnswering("sync_job_run:record") {
                let deadline = ContinuousClock.now + TestPatience.long
                while ContinuousClock.now < deadline {
                    if let requests = try? await ticketListRequests(h), requests.count >= 2 {
                        secondAskedBeforeFirstAnswered.withLock { $0 = true }
                        return
                    }
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            let run = try await h.run(job: try await h.job(Self.job), account: try await h.account(), webhook: webhook.id)
            #expect(run["status"] == "completed")
            #expect(secondAskedBeforeFirstAnswered.withLock { $0 })
            try await h.waitForEvent("sync_job_run:completed")
            let events = h.events()
            #expect(
                events.map(\.label) == ["sync_job_run:created", "sync_job_run:started"] + Array(repeating: "record:ticketing/tickets", count: 3) + [
                    "sync_job_run:completed"
                ])
            #expect(events.filter { $0.event == "sync_job_run:record" }.map { $0.payload["meta"]?["page"] } == [1, 2, 3])
            let expected = try await ticketIds(h)
            #expect(DeliveredRecords(events).ids["ticketing/tickets"] == expected)
            // Each page was asked for once: nothing fetched ahead is fetched again.
            #expect(try await ticketListRequests(h).count == 3 + 3)  // the run's three, then ticketIds' three
        }
    }

    /// The second page, asked for during the first page's delivery, is throttled: `rate_limited` follows the first
    /// page, and the wait is measured from that event.
    @Test func aThrottledEarlyRequestIsReportedAfterThePageBeforeIt() async throws {
        try await withEngine(.sqlite, tickets: 250) { h in
            let webhook = try await h.webhook()
            _ = try await h.zendesk(
                .POST, "/__sandbox/faults", ["status": 429, "count": 1, "skip": 1, "path_contains": "tickets.json", "retry_after": 1])
            let run = try await h.run(job: try await h.job(Self.job), account: try await h.account(), webhook: webhook.id)
            #expect(run["status"] == "completed")
            try await h.waitForEvent("sync_job_run:completed")
            let events = h.events()
            #expect(
                events.map(\.label) == [
                    "sync_job_run:created", "sync_job_run:started", "record:ticketing/tickets", "sync_job_run:rate_limited",
                    "record:ticketing/tickets", "record:ticketing/tickets", "sync_job_run:completed",
                ])
            let resumeAt = try #require(events[3].payload["resume_at"]?.stringValue.flatMap(Timestamp.parse))
            let next = try #require(events[4].envelope["created_at"]?.stringValue.flatMap(Timestamp.parse))
            #expect(next >= resumeAt.addingTimeInterval(-0.001))
            #expect(events[4].payload["meta"]?["page"] == 2)
            let expected = try await ticketIds(h)
            #expect(DeliveredRecords(events).ids["ticketing/tickets"] == expected)
        }
    }

    /// The second page keeps failing: with `ignore` its `record_error` follows the first page and the run
    /// completes; with `fail_fast` the run fails after the first page.
    @Test(arguments: ["ignore", "fail_fast"])
    func aFailedEarlyRequestIsReportedAfterThePageBeforeIt(handling: String) async throws {
        try await withEngine(.sqlite, tickets: 250) { h in
            let webhook = try await h.webhook()
            // The early attempt and its one retry (the test policy allows two attempts).
            _ = try await h.zendesk(.POST, "/__sandbox/faults", ["status": 500, "count": 2, "skip": 1, "path_contains": "tickets.json"])
            let run = try await h.run(
                job: try await h.job(Self.job), account: try await h.account(), webhook: webhook.id, ["error_handling": .string(handling)]
            )
            let end = handling == "ignore" ? "sync_job_run:completed" : "sync_job_run:failed"
            #expect(run["status"] == (handling == "ignore" ? "completed" : "failed"))
            try await h.waitForEvent(end)
            let events = h.events()
            let middle = handling == "ignore" ? ["sync_job_run:record_error"] : []
            #expect(events.map(\.label) == ["sync_job_run:created", "sync_job_run:started", "record:ticketing/tickets"] + middle + [end])
            #expect(events[2].records.count == 100)
            #expect(try await ticketListRequests(h).filter { $0["status"] == 500 }.count == 2)
        }
    }
}

import Foundation
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// One run at a time per job and account; different accounts run side by side.
@Suite struct RunConcurrencyTests {
    @Test(arguments: StoreKind.available)
    func runsOfOneJobAndAccountDoNotOverlap(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 300) { h in
            let webhook = try await h.webhook(eventTypes: ["sync_job_run:started", "sync_job_run:completed"])
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
            let first = try await h.account()
            let other = try await h.account()
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await h.startRun(job: job, account: first, webhook: webhook.id)) }
            let parallel = try await h.startRun(job: job, account: other, webhook: webhook.id)
            var finished: [JSONValue] = []
            for id in ids { finished.append(try await h.waitForRun(id)) }
            let otherRun = try await h.waitForRun(parallel)
            #expect(finished.allSatisfy { $0["status"] == "completed" })
            #expect(otherRun["status"] == "completed")
            // Ordered by start, each same-account run starts after the previous one finished.
            let spans = finished.compactMap { r -> (Date, Date)? in
                guard let s = r["started_at"]?.stringValue.flatMap(Timestamp.parse), let f = r["finished_at"]?.stringValue.flatMap(Timestamp.parse)
                else { return nil }
                return (s, f)
            }.sorted { $0.0 < $1.0 }
            #expect(spans.count == 3)
            for i in 1..<spans.count { #expect(spans[i].0 >= spans[i - 1].1, "run \(i) started before run \(i - 1) finished") }
        }
    }
}

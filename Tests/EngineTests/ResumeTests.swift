import Foundation
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@Suite struct ResumeTests {
    /// An engine interrupted mid-run (its process gone, with sandbox and receiver) leaves a checkpoint; the next
    /// engine resumes from it: every record arrives, and at most the one in-flight page twice, with the same event id.
    @Test(arguments: StoreKind.available)
    func interruptedRunResumesFromItsCheckpoint(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (firstEvents, second, expectedTickets, expectedComments) = try await withEngine(store: store, tickets: 150, engineRunning: false) { h in
                let webhook = try await h.webhook()
                let account = try await h.account()
                let job = try await h.job(seedJob)
                let run = try await h.startRun(job: job, account: account, webhook: webhook.id)
                // The first process leaves in the middle of the comments of the first tickets page.
                let firstEvents = try await h.whileEngineRuns {
                    try await waitUntil { h.events().filter { $0.resource == "ticketing/comments" }.count >= 30 }
                    return h.events()
                }
                let final = try await h.whileEngineRuns {
                    let final = try await h.waitForRun(run)
                    try await h.waitForEvent("sync_job_run:completed")
                    return final
                }
                #expect(final["status"] == "completed", "\(final.jsonString())")
                let all = h.events()
                let second = Array(all.dropFirst(firstEvents.count))
                let tickets = try await h.zendeskAll("/api/v2/tickets.json", key: "tickets").map { String(Int($0["id"]!.numberValue!)) }
                var comments = 0
                for t in tickets { comments += try await h.zendeskAll("/api/v2/tickets/\(t)/comments.json", key: "comments").count }
                return (firstEvents, second, tickets, comments)
            }
            #expect(!firstEvents.contains { $0.event == "sync_job_run:completed" }, "the first engine was interrupted mid-run")
            #expect(!second.contains { $0.event == "sync_job_run:started" }, "a resumed run does not start again")
            let all: [ReceivedEvent] = firstEvents + second
            let records: [ReceivedEvent] = all.filter { $0.event == "sync_job_run:record" }
            var seen: [String: Int] = [:]
            var unique: [ReceivedEvent] = []
            for e in records {
                if seen[e.id] == nil { unique.append(e) }
                seen[e.id, default: 0] += 1
            }
            let repeatedPages = seen.values.filter { $0 > 1 }.count
            #expect(repeatedPages <= 1, "at most one page is sent twice")
            var ticketIds: [String] = []
            var commentIds: [String] = []
            for e in unique {
                let recordIds = e.records.compactMap { $0["id"]?.stringValue }
                if e.resource == "ticketing/tickets" { ticketIds += recordIds }
                if e.resource == "ticketing/comments" { commentIds += recordIds }
            }
            let ticketsMatch = ticketIds.sorted() == expectedTickets.sorted()
            #expect(ticketsMatch, "every ticket delivered once")
            let commentCount = commentIds.count
            let distinctComments = Set(commentIds).count
            #expect(commentCount == expectedComments)
            #expect(distinctComments == expectedComments)
        }
    }
}

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
            let (firstEvents, second, expectedTickets, expectedComments) = try await withEngine(store: store, tickets: 150, engineRunning: false) {
                h in
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
                let truth = try await h.sandbox.ticketsAndCommentCount()
                return (firstEvents, second, truth.tickets, truth.comments)
            }
            #expect(!firstEvents.contains { $0.event == "sync_job_run:completed" }, "the first engine was interrupted mid-run")
            #expect(!second.contains { $0.event == "sync_job_run:started" }, "a resumed run does not start again")
            let delivered = DeliveredRecords(firstEvents + second)
            #expect(delivered.repeatedPages <= 1, "at most one page is sent twice")
            let tickets = delivered.ids["ticketing/tickets"] ?? []
            let comments = delivered.ids["ticketing/comments"] ?? []
            let ticketsMatch = tickets.sorted() == expectedTickets.sorted()
            #expect(ticketsMatch, "every ticket delivered once")
            let (commentCount, distinctComments) = (comments.count, Set(comments).count)
            #expect(commentCount == expectedComments)
            #expect(distinctComments == expectedComments)
        }
    }
}

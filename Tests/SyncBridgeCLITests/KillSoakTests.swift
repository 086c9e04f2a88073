import AsyncHTTPClient
import Foundation
import JSONCore
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// Kill -9 over and over: `syncbridge serve` is killed at random moments of a run of the reference job (tickets with
/// their comments), restarted on the same SQLite file each time, and the run still delivers every ticket and every
/// comment, at most one page re-sent per kill. CI kills 10 times over 600 tickets; `scripts/soak` 100 times over
/// 20,000 (`SYNCBRIDGE_SOAK_KILLS`, `SYNCBRIDGE_SOAK_TICKETS`).
@Suite struct KillSoakTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-soak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    static var kills: Int { ProcessInfo.processInfo.environment["SYNCBRIDGE_SOAK_KILLS"].flatMap(Int.init) ?? 10 }
    static var tickets: Int { ProcessInfo.processInfo.environment["SYNCBRIDGE_SOAK_TICKETS"].flatMap(Int.init) ?? 600 }

    @Test func killedAgainAndAgainNothingIsLost() async throws {
        let (kills, tickets) = (Self.kills, Self.tickets)
        let database = "sqlite://soak.sqlite"
        let token = try await CLIProcess.token(database: database, directory: directory)
        let client = HTTPClientForTests.shared
        let receiver = WebhookReceiver()
        let dir = directory
        try await withSandboxAndReceiver(tickets: tickets, receiver: receiver) { sandboxURL, receiverURL in
            do {
                let api = ProcessAPI(client: client, token: token)
                let serve = ["--lease-seconds", "600", "--account-requests-per-minute", "0"]
                var (process, url) = try await CLIProcess.serve(database: database, directory: dir, extra: serve)
                let run = try await api.startSeedRun(url, sandboxURL: sandboxURL, receiverURL: receiverURL)
                // Cheap to ask often (the receiver's count, and its last few bodies): parsing every event on each poll
                // would let hundreds of events pass between two looks.
                let received = { receiver.deliveries.count }
                let completed = { receiver.deliveries.suffix(8).contains { $0.body.contains(#""event":"sync_job_run:completed""#) } }
                var done = 0
                var restarts: [Duration] = []
                // About one event per ticket (its comments' page) and one per 100 tickets: kills spread over the run.
                let spacing = max(12, (tickets + tickets / 100 + 50) / (kills + 2))
                while done < kills {
                    // A random moment: after 1 to `spacing` more events arrive (or the run ends first).
                    let target = received() + Int.random(in: 1...spacing)
                    try await waitUntil { received() >= target || completed() }
                    if completed() { break }
                    kill(process.processIdentifier, SIGKILL)
                    await CLIProcess.waitForExit(process)
                    done += 1
                    let before = received()
                    let restarted = ContinuousClock.now
                    (process, url) = try await CLIProcess.serve(database: database, directory: dir, extra: serve)
                    try await waitUntil { received() > before || completed() }
                    restarts.append(ContinuousClock.now - restarted)
                }
                defer { process.terminate() }
                try await waitUntil { receiver.runEvents().contains { $0.event == "sync_job_run:completed" } }
                let final = try await api.get(url, "/sync-job-run/\(run)")
                #expect(final["status"] == "completed", "\(final.jsonString())")
                #expect(done == kills, "the run outlasted \(done) of \(kills) kills")
                let events = receiver.runEvents()
                // One `started` event; a kill between its acknowledgement and the outbox recording it re-sends it,
                // with the same id (at-least-once delivery), so ids are counted.
                #expect(Set(events.filter { $0.event == "sync_job_run:started" }.map(\.id)).count == 1)
                let truth = try await SandboxReader(client: client, baseURL: sandboxURL).ticketsAndCommentCount()
                let delivered = DeliveredRecords(events)
                #expect(delivered.repeatedPages <= done, "at most one page re-sent per kill")
                let ticketIds = delivered.ids["ticketing/tickets"] ?? []
                let comments = delivered.ids["ticketing/comments"] ?? []
                #expect(ticketIds.sorted() == truth.tickets.sorted(), "every ticket, once")
                #expect(comments.count == truth.comments && Set(comments).count == truth.comments, "every comment, once")
                let slowest = restarts.max() ?? .zero
                print(
                    "figure: \(done) kills over \(tickets) tickets and \(truth.comments) comments: 0 lost, \(delivered.repeatedPages) pages re-sent, slowest restart to the next event \(slowest)"
                )
            }
        }
    }
}

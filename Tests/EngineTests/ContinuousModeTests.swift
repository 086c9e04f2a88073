import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// `mode: continuous`: the run keeps polling the incremental export every `polling_period` and delivers
/// changes as they happen, checkpointed after each acknowledged page, until stopped.
@Suite struct ContinuousModeTests {
    static let job: JSONValue = [
        ["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": ["gt": "{{previous_run_date}}"]]]
    ]

    static func ids(_ events: [ReceivedEvent]) -> [String] { events.flatMap(\.records).compactMap { $0["id"]?.stringValue } }

    @Test(arguments: StoreKind.available)
    func deliversChangesAsTheyHappenUntilStopped(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 30) { h in
            let webhook = try await h.webhook(eventTypes: ["sync_job_run:record", "sync_job_run:updated", "sync_job_run:completed"])
            let account = try await h.account()
            let job = try await h.job(Self.job)
            let run = try await h.startRun(job: job, account: account, webhook: webhook.id, ["mode": "continuous", "polling_period": 0.2])
            try await waitUntil { Self.ids(h.events()).count >= 30 }
            #expect(Set(Self.ids(h.events())).count == 30)
            #expect(try await h.api.request(.GET, "/sync-job-run/\(run)").string("status") == "running")

            let open = try await h.zendeskAll("/api/v2/tickets.json", key: "tickets").filter { $0["status"] != "closed" }.prefix(2)
            for t in open { _ = try await h.zendesk(.PUT, "/api/v2/tickets/\(Int(t["id"]!.numberValue!)).json", ["ticket": ["priority": "urgent"]]) }
            let created = try await h.zendesk(.POST, "/api/v2/tickets.json", ["ticket": ["subject": "Fresh", "comment": ["body": "Hi"]]])
            let newId = String(Int(try #require(created["ticket"]?["id"]?.numberValue)))
            let expected = Set(open.map { String(Int($0["id"]!.numberValue!)) } + [newId])
            try await waitUntil { Set(Self.ids(h.events()).dropFirst(30)) == expected }
            let changes = h.events().flatMap(\.records).dropFirst(30)
            #expect(changes.count == 3)
            #expect(changes.first { $0["id"]?.stringValue == newId }?["name"] == "Fresh")

            let stopped = try await h.api.request(.PATCH, "/sync-job-run/\(run)", json: ["status": "stopped"])
            #expect(stopped.status == 200)
            let final = try await h.waitForRun(run)
            #expect(final["status"] == "stopped")
            #expect(final["mode"] == "continuous")
            #expect(!h.events().contains { $0.event == "sync_job_run:completed" })
        }
    }

    /// An engine gone mid-stream: the next one resumes after the last acknowledged page, with nothing lost and at
    /// most the page in flight sent again.
    @Test(arguments: StoreKind.available)
    func resumesAfterTheLastAcknowledgedPage(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await withEngine(store: store, tickets: 2500, engineRunning: false) { h in
                let webhook = try await h.webhook(eventTypes: ["sync_job_run:record"])
                let account = try await h.account()
                let job = try await h.job(Self.job)
                let run = try await h.startRun(job: job, account: account, webhook: webhook.id, ["mode": "continuous", "polling_period": 0.2])
                let first = try await h.whileEngineRuns {
                    try await waitUntil { !h.events().isEmpty }
                    return h.events().count
                }
                #expect(first < 3, "the first engine stopped before the end of the export")
                let created = try await h.whileEngineRuns {
                    try await waitUntil { Set(Self.ids(h.events())).count == 2500 }
                    let created = try await h.zendesk(.POST, "/api/v2/tickets.json", ["ticket": ["subject": "After", "comment": ["body": "x"]]])
                    let newId = String(Int(try #require(created["ticket"]?["id"]?.numberValue)))
                    try await waitUntil { Self.ids(h.events()).contains(newId) }
                    _ = try await h.api.request(.PATCH, "/sync-job-run/\(run)", json: ["status": "stopped"])
                    return newId
                }
                let delivered = DeliveredRecords(h.events())
                #expect(delivered.repeatedPages <= 1)
                let tickets = delivered.ids["ticketing/tickets"] ?? []
                #expect(Set(tickets) == Set((1...2500).map(String.init) + [created]))
                #expect(tickets.count <= 2501 + 1000)
            }
        }
    }

    /// A continuous run needs one root resource to poll; anything else is refused naming `mode`.
    @Test(arguments: StoreKind.available)
    func continuousNeedsOneRoot(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 5, engineRunning: false) { h in
            let webhook = try await h.webhook()
            let account = try await h.account()
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list"], ["resource": "ticketing/users", "method": "list"]])
            let r = try await h.api.request(
                .POST, "/sync-job-run",
                json: [
                    "sync_job_id": .string(job), "integrated_account_id": .string(account), "webhook_id": .string(webhook.id), "mode": "continuous",
                ]
            )
            #expect(r.status == 422)
            #expect(failureLines(r.json) == ["mode: continuous runs need a sync job with exactly one root resource (one without depends_on)"])
            let bad = try await h.api.request(
                .POST, "/sync-job-run",
                json: [
                    "sync_job_id": .string(job), "integrated_account_id": .string(account), "webhook_id": .string(webhook.id), "polling_period": 0,
                ]
            )
            #expect(bad.status == 422)
            #expect(failureLines(bad.json) == ["polling_period: must be a number of seconds from 0.05 to 86400"])
            // A resource without an incremental export would list once and complete: refused, saying what would work.
            for resources: JSONValue in [
                [["resource": "tickets", "method": "list"]], [["resource": "ticketing/tickets", "method": "list"]],
            ] {
                let flat = try await h.job(resources)
                let once = try await h.api.request(
                    .POST, "/sync-job-run",
                    json: [
                        "sync_job_id": .string(flat), "integrated_account_id": .string(account), "webhook_id": .string(webhook.id),
                        "mode": "continuous",
                    ]
                )
                #expect(once.status == 422)
                let resource = resources.arrayValue?.first?["resource"]?.stringValue ?? ""
                #expect(
                    once.json["details"]?["failures"] == [
                        [
                            "path": "mode",
                            "message": .string(
                                "continuous runs poll an incremental export; '\(resource)' list has none here (use ticketing/tickets, ticketing/users or ticketing/contacts with an updated_at condition)"
                            ),
                        ]
                    ]
                )
            }
        }
    }
}

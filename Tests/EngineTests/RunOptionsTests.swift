import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@Suite struct RunOptionsTests {
    static let incrementalJob: JSONValue = [
        ["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": ["gt": "{{previous_run_date}}"]]]
    ]

    /// The second run gets only what changed since the first one started; `ignore_previous_run` gets everything.
    @Test(arguments: StoreKind.available)
    func incrementalRunDeliversOnlyChangedTickets(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 40) { h in
            let webhook = try await h.webhook(eventTypes: ["sync_job_run:record", "sync_job_run:completed"])
            let account = try await h.account()
            let job = try await h.job(Self.incrementalJob)
            let first = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(first["status"] == "completed")
            try await h.waitForEvent("sync_job_run:completed")
            let firstIds = h.events().flatMap(\.records).compactMap { $0["id"]?.stringValue }
            #expect(firstIds.count == 40)
            #expect(Set(firstIds).count == 40)
            // Zendesk timestamps have whole seconds: change the tickets in a later second than the first run's start
            // (the sandbox's clock moves on; nothing waits).
            _ = try await h.zendesk(.POST, "/__sandbox/clock", ["advance_seconds": 2])
            _ = try await h.zendesk(.PUT, "/api/v2/tickets/7.json", ["ticket": ["status": "solved"]])
            _ = try await h.zendesk(.PUT, "/api/v2/tickets/19.json", ["ticket": ["priority": "urgent"]])
            let before = h.events().count
            let second = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(second["status"] == "completed")
            try await waitUntil { h.events().count >= before + 2 }
            let secondEvents = Array(h.events().dropFirst(before))
            #expect(secondEvents.map(\.label) == ["record:ticketing/tickets", "sync_job_run:completed"])
            #expect(secondEvents[0].records.compactMap { $0["id"]?.stringValue } == ["7", "19"])
            #expect(secondEvents[0].records[0]["status"]?["id"] == "solved")

            let before3 = h.events().count
            let full = try await h.run(job: job, account: account, webhook: webhook.id, ["ignore_previous_run": true])
            #expect(full["status"] == "completed")
            try await waitUntil { h.events().count >= before3 + 2 }
            #expect(h.events().dropFirst(before3).flatMap(\.records).count == 40)
        }
    }

    /// `loop_on` makes one request per element, with the element bound where the placeholder is used.
    @Test func loopOnFetchesEachElement() async throws {
        try await withEngine(.sqlite, tickets: 20) { h in
            let webhook = try await h.webhook(eventTypes: ["sync_job_run:record"])
            let job = try await h.job(
                [["resource": "ticketing/tickets", "method": "get", "loop_on": "{{args.ticket_ids}}", "id": "{{args.ticket_ids}}"]],
                argsSchema: ["ticket_ids": ["type": "array", "items": ["type": "string"]]]
            )
            let run = try await h.run(job: job, account: try await h.account(), webhook: webhook.id, ["args": ["ticket_ids": ["3", "11", "5"]]])
            #expect(run["status"] == "completed")
            let events = h.events()
            #expect(events.map { $0.records.map { $0["id"]?.stringValue } } == [["3"], ["11"], ["5"]])
            #expect(events.allSatisfy { $0.payload["method"] == "get" && $0.payload["meta"]?["is_last_page"] == true })
        }
    }

    /// `{{args.a|previous_run_date}}`: the argument when given, else the previous run date.
    @Test func conditionalPlaceholderPrefersTheArgument() async throws {
        try await withEngine(.sqlite, tickets: 30) { h in
            let webhook = try await h.webhook(eventTypes: ["sync_job_run:record"])
            let job = try await h.job(
                [["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": ["gte": "{{args.since|previous_run_date}}"]]]],
                argsSchema: ["since": ["type": "string", "format": "date-time"]]
            )
            let account = try await h.account()
            let tickets = try await h.zendeskAll("/api/v2/tickets.json", key: "tickets")
            let sorted = tickets.compactMap { $0["updated_at"]?.stringValue }.sorted()
            let since = sorted[20]
            let expected = Set(tickets.filter { ($0["updated_at"]?.stringValue ?? "") >= since }.map { String(Int($0["id"]!.numberValue!)) })
            let run = try await h.run(job: job, account: account, webhook: webhook.id, ["args": ["since": .string(since)]])
            #expect(run["status"] == "completed")
            #expect(Set(h.events().flatMap(\.records).compactMap { $0["id"]?.stringValue }) == expected)
            let before = h.events().count
            let all = try await h.run(job: job, account: account, webhook: webhook.id, ["ignore_previous_run": true])
            #expect(all["status"] == "completed")
            #expect(h.events().dropFirst(before).flatMap(\.records).count == 30)
        }
    }

    /// Invalid args are refused when the run is created; the run does not exist.
    @Test func invalidArgsAreRefused() async throws {
        try await withEngine(.sqlite, tickets: 5) { h in
            let webhook = try await h.webhook()
            let job = try await h.job(
                [["resource": "ticketing/tickets", "method": "get", "loop_on": "{{args.ticket_ids}}", "id": "{{args.ticket_ids}}"]],
                argsSchema: ["ticket_ids": ["type": "array", "items": ["type": "string"]]]
            )
            let r = try await h.api.request(
                .POST, "/sync-job-run",
                json: [
                    "sync_job_id": .string(job), "integrated_account_id": .string(try await h.account()), "webhook_id": .string(webhook.id),
                    "args": ["ticket_ids": [1]],
                ]
            )
            #expect(r.status == 422)
            #expect(failureLines(r.json) == ["args.ticket_ids[0]: must be string, but is integer"])
            #expect(try await h.api.request(.GET, "/sync-job-run").json["result"] == [])
        }
    }
}

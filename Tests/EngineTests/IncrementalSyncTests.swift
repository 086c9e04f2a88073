import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Incremental `ticketing/tickets`, `ticketing/users` and `ticketing/contacts` through Zendesk's cursor exports:
/// exact windows, ties and repeats across page boundaries, and changes (created, updated, deleted) between runs.
@Suite struct IncrementalSyncTests {
    static let tickets: JSONValue = [
        ["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": ["gt": "{{previous_run_date}}"]]]
    ]

    /// Delivered records of one run, in order.
    static func records(_ h: EngineHarness, run: JSONValue) -> [JSONValue] {
        h.events().filter { $0.event == "sync_job_run:record" && $0.payload["sync_job_run_id"] == run["id"] }.flatMap(\.records)
    }

    static func ids(_ records: [JSONValue]) -> [String] { records.compactMap { $0["id"]?.stringValue } }

    /// A bulk update gives ~80 tickets one `generated_timestamp`, so the export's 1,000-record page boundary falls
    /// inside the tie; the sandbox also repeats 30 records at the start of each later page. Every ticket arrives
    /// exactly once, in its latest state. Then a changed, a deleted and a new ticket arrive in the next run.
    @Test(arguments: StoreKind.available)
    func tiesRepeatsAndChangesAcrossRuns(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 1050) { h in
            let webhook = try await h.webhook(eventTypes: ["sync_job_run:record"])
            let account = try await h.account()
            let job = try await h.job(Self.tickets)
            let ids = (1...100).map(String.init).joined(separator: ",")
            _ = try await h.zendesk(.PUT, "/api/v2/tickets/update_many.json?ids=\(ids)", ["ticket": ["priority": "urgent"]])

            // The precondition that makes this test meaningful: page 1 ends inside the tie...
            let page1 = try await h.zendesk(.GET, "/api/v2/incremental/tickets/cursor.json?start_time=0")
            let cursor1 = try #require(page1["after_cursor"]?.stringValue)
            let page2 = try await h.zendesk(.GET, "/api/v2/incremental/tickets/cursor.json?cursor=\(cursor1)")
            let last1 = try #require(page1["tickets"]?.arrayValue?.last)
            #expect(last1["generated_timestamp"] == page2["tickets"]?.arrayValue?.first?["generated_timestamp"])
            // ...and, with the overlap, page 2 repeats the end of page 1.
            _ = try await h.zendesk(.POST, "/__sandbox/settings", ["export_overlap": 30])
            let repeated = try await h.zendesk(.GET, "/api/v2/incremental/tickets/cursor.json?start_time=0")
            let again = try await h.zendesk(
                .GET, "/api/v2/incremental/tickets/cursor.json?cursor=\(try #require(repeated["after_cursor"]?.stringValue))")
            #expect(again["tickets"]?.arrayValue?.first?["id"] == page1["tickets"]?.arrayValue?.dropLast(29).last?["id"])

            let world = try await h.zendeskAll("/api/v2/tickets.json", key: "tickets")
            let bulkUpdated = Set(world.filter { ($0["updated_at"]?.stringValue ?? "") > "2026-01-01" }.map { String(Int($0["id"]!.numberValue!)) })
            let first = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(first["status"] == "completed")
            let delivered = Self.records(h, run: first)
            #expect(delivered.count == 1050)
            #expect(Set(Self.ids(delivered)) == Set((1...1050).map(String.init)))
            let latest = Dictionary(uniqueKeysWithValues: world.map { (String(Int($0["id"]!.numberValue!)), $0["priority"] ?? .null) })
            #expect(delivered.filter { latest[$0["id"]!.stringValue!] != $0["priority"] }.isEmpty)

            // Changes after the first run: one update, one delete, one new ticket.
            let open = try #require(world.first { ($0["id"]?.numberValue ?? 0) > 100 && $0["status"] != "closed" })
            let changedId = Int(open["id"]!.numberValue!)
            _ = try await h.zendesk(.PUT, "/api/v2/tickets/\(changedId).json", ["ticket": ["comment": ["body": "Any news?"], "status": "pending"]])
            _ = try await h.zendesk(.DELETE, "/api/v2/tickets/1049.json")
            let created = try await h.zendesk(.POST, "/api/v2/tickets.json", ["ticket": ["subject": "New", "comment": ["body": "Hello"]]])
            let newId = String(Int(try #require(created["ticket"]?["id"]?.numberValue)))
            let second = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(second["status"] == "completed")
            let changes = Self.records(h, run: second)
            // The bulk update was less than a minute before the first run started: Zendesk's exports may have hidden
            // it then, so the next run's window reaches back over it (previous_run_date less the export lag).
            #expect(changes.count == Set(Self.ids(changes)).count)
            #expect(Set(Self.ids(changes)) == bulkUpdated.union([String(changedId), "1049", newId]))
            let byId = Dictionary(uniqueKeysWithValues: changes.map { ($0["id"]!.stringValue!, $0) })
            #expect(byId["1049"]?["status"]?["id"] == "deleted")
            #expect(byId[String(changedId)]?["status"]?["id"] == "pending")
            #expect(byId[newId]?["name"] == "New")
        }
    }

    /// `gt` leaves out a ticket changed at exactly the bound; `gte` keeps it.
    @Test func gtAndGteAreExact() async throws {
        try await withEngine(.sqlite, tickets: 30) { h in
            let webhook = try await h.webhook(eventTypes: ["sync_job_run:record"])
            let account = try await h.account()
            let schema: JSONValue = ["since": ["type": "string"]]
            let gt = try await h.job(
                [["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": ["gt": "{{args.since}}"]]]], argsSchema: schema)
            let gte = try await h.job(
                [["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": ["gte": "{{args.since}}"]]]], argsSchema: schema)
            let world = try await h.zendeskAll("/api/v2/tickets.json", key: "tickets")
            let sorted = world.sorted { ($0["updated_at"]?.stringValue ?? "") < ($1["updated_at"]?.stringValue ?? "") }
            let bound = try #require(sorted[12]["updated_at"]?.stringValue)
            func expected(_ keep: (String) -> Bool) -> [String] {
                sorted.filter { keep($0["updated_at"]!.stringValue!) }.map { String(Int($0["id"]!.numberValue!)) }
            }
            let a = try await h.run(job: gt, account: account, webhook: webhook.id, ["args": ["since": .string(bound)]])
            let b = try await h.run(job: gte, account: account, webhook: webhook.id, ["args": ["since": .string(bound)]])
            #expect(Self.ids(Self.records(h, run: a)) == expected { $0 > bound })
            #expect(Self.ids(Self.records(h, run: b)) == expected { $0 >= bound })
            #expect(Self.records(h, run: b).count == Self.records(h, run: a).count + 1)
        }
    }

    /// Users and contacts use the user export: the second run gets exactly the user and the contact that changed.
    @Test func usersAndContactsIncrementally() async throws {
        try await withEngine(.sqlite, tickets: 40) { h in
            let webhook = try await h.webhook(eventTypes: ["sync_job_run:record"])
            let account = try await h.account()
            let job = try await h.job([
                ["resource": "ticketing/users", "method": "list", "query": ["updated_at": ["gt": "{{previous_run_date}}"]]],
                ["resource": "ticketing/contacts", "method": "list", "query": ["updated_at": ["gt": "{{previous_run_date}}"]]],
            ])
            let world = try await h.zendeskAll("/api/v2/users.json", key: "users")
            let agents = world.filter { $0["role"] != "end-user" }
            let endUsers = world.filter { $0["role"] == "end-user" }
            let first = try await h.run(job: job, account: account, webhook: webhook.id)
            let all = Self.records(h, run: first)
            #expect(all.count == world.count)
            #expect(Set(Self.ids(all)) == Set(world.map { String(Int($0["id"]!.numberValue!)) }))

            let agent = String(Int(agents[1]["id"]!.numberValue!))
            let contact = String(Int(endUsers[3]["id"]!.numberValue!))
            _ = try await h.zendesk(.PUT, "/api/v2/users/\(agent).json", ["user": ["name": "Renamed Agent"]])
            _ = try await h.zendesk(.PUT, "/api/v2/users/\(contact).json", ["user": ["phone": "+15550100"]])
            let second = try await h.run(job: job, account: account, webhook: webhook.id)
            let events = h.events().filter { $0.event == "sync_job_run:record" && $0.payload["sync_job_run_id"] == second["id"] }
            #expect(events.filter { $0.resource == "ticketing/users" }.flatMap(\.records).map { $0["name"] } == ["Renamed Agent"])
            let contacts = events.filter { $0.resource == "ticketing/contacts" }.flatMap(\.records)
            #expect(Self.ids(contacts) == [contact])
            #expect(contacts.first?["phones"]?.arrayValue?.first?["number"] == "+15550100")
        }
    }
}

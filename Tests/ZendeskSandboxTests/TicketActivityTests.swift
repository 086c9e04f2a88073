import Crypto
import Foundation
import JSONCore
import NIOHTTP1
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// Ticket activity as Airbyte's and tap-zendesk's streams read it: audits (per ticket and account-wide), ticket
/// events with comment events, ticket metrics, metric events, and the export side-loads.
@Suite struct TicketActivityTests {
    /// Every comment of every ticket, by ticket, through the comments endpoint (the reference).
    static func allComments(_ zd: SandboxHarness, tickets: Int) async throws -> [Int64: [JSONValue]] {
        var out: [Int64: [JSONValue]] = [:]
        for id in 1...Int64(tickets) {
            out[id] = try await zd.get("/api/v2/tickets/\(id)/comments.json").json["comments"]?.arrayValue ?? []
        }
        return out
    }

    /// tap-zendesk: `GET /tickets/{id}/audits.json?page[size]=…` page by page gives one audit per comment, in order;
    /// the first audit also creates the ticket's fields.
    @Test func ticketAuditsMirrorComments() async throws {
        try await withSandbox {
            $0.tickets = 20
            $0.commentsPerTicket = 4
        } _: { zd async throws in
            let comments = try await zd.get("/api/v2/tickets/7/comments.json").json["comments"]?.arrayValue ?? []
            #expect(comments.count > 1)
            let audits = try await zd.followingLinksNext("/api/v2/tickets/7/audits.json?page[size]=2", key: "audits").items
            #expect(audits.map { $0["events"]?.arrayValue?.first?["id"] } == comments.map { $0["id"] })
            #expect(audits.map { $0["events"]?.arrayValue?.first?["body"] } == comments.map { $0["body"] })
            #expect(audits.map(\.["id"]) == comments.map(\.["audit_id"]), "comments name their audits")
            #expect(audits.allSatisfy { $0["ticket_id"] == 7 })
            let created = audits[0]["events"]?.arrayValue?.filter { $0["type"] == "Create" }.compactMap { $0["field_name"]?.stringValue }
            #expect(created == ["subject", "status", "priority", "type", "requester_id"])
            #expect(audits[1]["events"]?.arrayValue?.count == 1)
            #expect(try await zd.get("/api/v2/tickets/999/audits.json").status == 404)
        }
    }

    /// Create and update answer with the audit they made: the comment's (the same as `/tickets/{id}/audits` lists),
    /// or, for a change without a comment, one `Change` event per changed field.
    @Test func writesAnswerWithTheirAudit() async throws {
        try await withSandbox { zd async throws in
            let created = try await zd.post("/api/v2/tickets.json", ["ticket": ["subject": "Audit me", "comment": ["body": "First words"]]])
            #expect(created.status == 201)
            let id = Int64(try #require(created.json["ticket"]?["id"]?.numberValue))
            let audit = try #require(created.json["audit"])
            #expect(audit["events"]?.arrayValue?.first?["body"] == "First words")
            #expect(
                audit["events"]?.arrayValue?.contains { $0["type"] == "Create" && $0["field_name"] == "subject" && $0["value"] == "Audit me" } == true
            )
            let listed = try await zd.get("/api/v2/tickets/\(id)/audits.json").json["audits"]?.arrayValue
            #expect(listed == [audit])
            let reply = try await zd.put("/api/v2/tickets/\(id).json", ["ticket": ["comment": ["body": "A reply"]]])
            #expect(reply.json["audit"]?["events"]?.arrayValue?.first?["body"] == "A reply")
            #expect(try await zd.get("/api/v2/tickets/\(id)/audits.json").json["audits"]?.arrayValue?.last == reply.json["audit"])
            let change = try await zd.put("/api/v2/tickets/\(id).json", ["ticket": ["status": "pending", "priority": "high"]])
            let events = change.json["audit"]?["events"]?.arrayValue ?? []
            #expect(events.map(\.["field_name"]) == ["status", "priority"])
            #expect(events.first?["previous_value"] == "new" && events.first?["value"] == "pending" && events.first?["type"] == "Change")
        }
    }

    /// Airbyte: `GET /ticket_audits?sort_by=created_at&sort_order=desc&limit=…`, following `before_url` until an
    /// empty page, gives every audit of the account exactly once, newest first.
    @Test func accountAuditsNewestFirstUntilEmpty() async throws {
        try await withSandbox {
            $0.tickets = 40
        } _: { zd async throws in
            let comments = try await Self.allComments(zd, tickets: 40)
            var audits: [JSONValue] = []
            var url: String? = "/api/v2/ticket_audits.json?sort_by=created_at&sort_order=desc&limit=7"
            var pages = 0
            while let next = url {
                let page = try await zd.get(next)
                #expect(page.status == 200)
                let items = page.json["audits"]?.arrayValue ?? []
                if items.isEmpty { break }
                audits += items
                url = page.json["before_url"]?.stringValue
                pages += 1
            }
            let expected = comments.values.flatMap { $0 }.compactMap { $0["audit_id"]?.numberValue }
            #expect(audits.count == expected.count)
            #expect(Set(audits.compactMap { $0["id"]?.numberValue }) == Set(expected))
            let times = audits.compactMap { $0["created_at"]?.stringValue }
            #expect(times == times.sorted(by: >), "newest first")
            #expect(pages == (expected.count + 6) / 7)
            // `after_url` of the oldest page leads back to newer audits.
            let first = try await zd.get("/api/v2/ticket_audits.json?limit=3")
            let older = try await zd.get(try #require(first.json["before_url"]?.stringValue))
            let newer = try await zd.get(try #require(older.json["after_url"]?.stringValue))
            #expect(newer.json["audits"] == first.json["audits"])
        }
    }

    /// Airbyte's ticket_comments: `incremental/ticket_events.json?start_time=…&include=comment_events`, following
    /// `next_page` until `end_of_stream`, yields every comment (deduplicated by id); a comment added later appears in
    /// the next export from the last `end_time`.
    @Test func ticketEventsCarryEveryComment() async throws {
        try await withSandbox {
            $0.tickets = 60
        } _: { zd async throws in
            let comments = try await Self.allComments(zd, tickets: 60)
            func export(from start: Int64, perPage: Int) async throws -> (comments: [Int64: JSONValue], end: Int64) {
                var found: [Int64: JSONValue] = [:]
                var url = "/api/v2/incremental/ticket_events.json?start_time=\(start)&include=comment_events&per_page=\(perPage)"
                var end = start
                for _ in 0..<500 {
                    let page = try await zd.get(url)
                    #expect(page.status == 200, "\(page.json.jsonString())")
                    for event in page.json["ticket_events"]?.arrayValue ?? [] {
                        for child in event["child_events"]?.arrayValue ?? [] where child["event_type"] == "Comment" {
                            found[Int64(child["id"]?.numberValue ?? 0)] = child
                        }
                    }
                    end = Int64(page.json["end_time"]?.numberValue ?? 0)
                    if page.json["end_of_stream"] == true { break }
                    url = try #require(page.json["next_page"]?.stringValue)
                }
                return (found, end)
            }
            let first = try await export(from: 0, perPage: 25)
            let expected = Dictionary(uniqueKeysWithValues: comments.values.flatMap { $0 }.map { (Int64($0["id"]?.numberValue ?? 0), $0) })
            #expect(first.comments.count == expected.count)
            #expect(Set(first.comments.keys) == Set(expected.keys))
            #expect(first.comments.allSatisfy { id, child in child["body"] == expected[id]?["body"] && child["public"] == expected[id]?["public"] })
            // Without include=comment_events the events carry no comments.
            let plain = try await zd.get("/api/v2/incremental/ticket_events.json?start_time=0&per_page=50")
            #expect(
                plain.json["ticket_events"]?.arrayValue?.contains {
                    $0["child_events"]?.arrayValue?.contains { $0["event_type"] == "Comment" } == true
                } == false)
            // A new comment shows up from the last end_time on.
            let update = try await zd.put("/api/v2/tickets/5.json", ["ticket": ["comment": ["body": "A later reply", "public": false]]])
            #expect(update.status == 200)
            let later = try await export(from: first.end, perPage: 25)
            #expect(later.comments.values.contains { $0["body"] == "A later reply" && $0["public"] == false })
        }
    }

    /// `/ticket_metrics` (cursor pages), `/tickets/{id}/metrics` and `/ticket_metrics/{id}` agree; metrics follow the
    /// ticket (replies, solved_at).
    @Test func ticketMetrics() async throws {
        try await withSandbox {
            $0.tickets = 30
        } _: { zd async throws in
            let metrics = try await zd.followingLinksNext("/api/v2/ticket_metrics.json?page[size]=8", key: "ticket_metrics").items
            #expect(metrics.compactMap { $0["ticket_id"]?.numberValue } == (1...30).map(Double.init))
            for id in [3, 17] {
                let one = try await zd.get("/api/v2/tickets/\(id)/metrics.json").json["ticket_metric"]
                #expect(one == metrics[id - 1])
                let metricId = Int64(one?["id"]?.numberValue ?? 0)
                #expect(try await zd.get("/api/v2/ticket_metrics/\(metricId).json").json["ticket_metric"] == one)
                let ticket = try await zd.get("/api/v2/tickets/\(id).json").json["ticket"]
                let solved = ["solved", "closed"].contains(ticket?["status"]?.stringValue ?? "")
                #expect((one?["solved_at"]?.stringValue != nil) == solved)
                let comments = try await zd.get("/api/v2/tickets/\(id)/comments.json").json["comments"]?.arrayValue ?? []
                let replies = comments.filter { $0["author_id"] != ticket?["requester_id"] }.count
                #expect(one?["replies"] == .number(Double(replies)))
            }
            #expect(try await zd.get("/api/v2/tickets/999/metrics.json").status == 404)
        }
    }

    /// Metric events: the time-based export (zenpy) and the cursor pages with `start_time` (Airbyte) give the same
    /// events, each once, in time order: work and reply clocks per ticket, fulfilled by a reply and by solving.
    @Test func metricEventsBothWays() async throws {
        try await withSandbox {
            $0.tickets = 50
        } _: { zd async throws in
            var timeBased: [Double: JSONValue] = [:]
            var url = "/api/v2/incremental/ticket_metric_events.json?start_time=0&per_page=30"
            for _ in 0..<100 {
                let page = try await zd.get(url)
                for e in page.json["ticket_metric_events"]?.arrayValue ?? [] { timeBased[e["id"]?.numberValue ?? 0] = e }
                if page.json["end_of_stream"] == true { break }
                url = try #require(page.json["next_page"]?.stringValue)
            }
            let cursorBased = try await zd.followingLinksNext(
                "/api/v2/incremental/ticket_metric_events?start_time=0&page[size]=100", key: "ticket_metric_events"
            ).items
            #expect(cursorBased.count == timeBased.count)
            #expect(Set(cursorBased.compactMap { $0["id"]?.numberValue }) == Set(timeBased.keys))
            let times = cursorBased.compactMap { $0["time"]?.stringValue }
            #expect(times == times.sorted())
            // Per ticket: two activations, a reply fulfilment when an agent replied, a work fulfilment when solved.
            let metrics = try await zd.get("/api/v2/ticket_metrics.json?per_page=100").json["ticket_metrics"]?.arrayValue ?? []
            let expected = metrics.reduce(0) { n, m in
                n + 2 + ((m["replies"]?.numberValue ?? 0) > 0 ? 1 : 0) + (m["solved_at"]?.stringValue != nil ? 1 : 0)
            }
            #expect(cursorBased.count == expected)
        }
    }

    /// `include=metric_sets` on the ticket export (tap-zendesk) and `include=identities` on the user export (Airbyte).
    @Test func exportSideLoads() async throws {
        try await withSandbox {
            $0.tickets = 12
            $0.users = 30
        } _: { zd async throws in
            let tickets = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0&include=metric_sets")
            let list = tickets.json["tickets"]?.arrayValue ?? []
            #expect(list.count == 12)
            #expect(list.allSatisfy { $0["metric_set"]?["ticket_id"] == $0["id"] })
            #expect(tickets.json["metric_sets"]?.arrayValue?.compactMap { $0["ticket_id"] } == list.compactMap { $0["id"] })
            #expect(tickets.json["after_url"]?.stringValue?.contains("include=metric_sets") == true)
            let plain = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0")
            #expect(plain.json["metric_sets"] == nil && plain.json["tickets"]?.arrayValue?.first?["metric_set"] == nil)

            let users = try await zd.get("/api/v2/incremental/users/cursor.json?start_time=0&include=identities")
            let userList = users.json["users"]?.arrayValue ?? []
            let identities = users.json["identities"]?.arrayValue ?? []
            #expect(userList.count == 30)
            let emails = identities.filter { $0["type"] == "email" }
            #expect(emails.map(\.["user_id"]) == userList.map(\.["id"]))
            #expect(emails.map(\.["value"]) == userList.map(\.["email"]))
            #expect(identities.filter { $0["type"] == "phone_number" }.count == userList.filter { $0["phone"]?.stringValue != nil }.count)
            let one = try await zd.get("/api/v2/users/\(Int64(userList[3]["id"]?.numberValue ?? 0))/identities.json")
            #expect(one.json["identities"]?.arrayValue?.first?["value"] == userList[3]["email"])
        }
    }

    /// The time-based exports side-load too, and their `next_page` keeps `include` (and `per_page`), so the side-loads
    /// continue on the pages a client follows.
    @Test func timeBasedExportsKeepTheirSideLoadsOnTheNextPage() async throws {
        try await withSandbox {
            $0.tickets = 12
        } _: { zd async throws in
            let first = try await zd.get("/api/v2/incremental/tickets.json?start_time=0&per_page=5&include=metric_sets")
            #expect(first.json["tickets"]?.arrayValue?.count == 5)
            #expect(first.json["metric_sets"]?.arrayValue?.count == 5)
            let next = try #require(first.json["next_page"]?.stringValue)
            #expect(next.contains("per_page=5") && next.contains("include=metric_sets"), "\(next)")
            let path = try #require(next.range(of: "/api/v2/")).lowerBound
            let second = try await zd.get(String(next[path...]))
            let list = second.json["tickets"]?.arrayValue ?? []
            #expect(!list.isEmpty)
            #expect(second.json["metric_sets"]?.arrayValue?.compactMap { $0["ticket_id"] } == list.compactMap { $0["id"] })
        }
    }
}

/// Pages served from the render cache never show stale tickets: a change or a deletion shows at once.
@Suite struct RenderCacheTests {
    @Test func changedAndDeletedTicketsAreNotServedFromTheCache() async throws {
        try await withSandbox { zd async throws in
            let page = "/api/v2/tickets.json?page[size]=20"
            let export = "/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=20"
            let first = try await zd.get(page).json["tickets"]?.arrayValue ?? []
            _ = try await zd.get(export)
            let hits = { () async throws -> Double in try await zd.get("/__sandbox/stats").json["render_cache"]?["hits"]?.numberValue ?? -1 }
            let before = try await hits()
            #expect(try await zd.get(page).json["tickets"]?.arrayValue == first, "a warm page equals the cold one")
            #expect(try await hits() == before + 20, "the page's 20 tickets came from the cache")
            let open = try #require(first.first { ["new", "open", "pending"].contains($0["status"]?.stringValue ?? "") }?["id"]?.numberValue)
            _ = try await zd.put("/api/v2/tickets/\(Int64(open)).json", ["ticket": ["subject": "Changed after caching"]])
            _ = try await zd.send(.DELETE, "/api/v2/tickets/2.json", body: nil)
            let lookups = { () async throws -> Double in
                let cache = try await zd.get("/__sandbox/stats").json["render_cache"]
                return (cache?["hits"]?.numberValue ?? -1) + (cache?["misses"]?.numberValue ?? -1)
            }
            let (hitsBefore, lookupsBefore) = (try await hits(), try await lookups())
            let after = try await zd.get(page).json["tickets"]?.arrayValue ?? []
            // 1, 3…21: the changed ticket is written from the world, the 19 others go through the cache; all but
            // ticket 21 (cached only if the warmer got to it) are hits.
            #expect(try await lookups() == lookupsBefore + 19)
            #expect(try await hits() >= hitsBefore + 18)
            #expect(after.first { $0["id"] == .number(open) }?["subject"] == "Changed after caching")
            #expect(!after.contains { $0["id"] == 2 })
            let exported = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1000").json["tickets"]?.arrayValue ?? []
            #expect(exported.first { $0["id"] == 2 }?["status"] == "deleted")
            #expect(exported.first { $0["id"] == .number(open) }?["subject"] == "Changed after caching")
        }
    }
}

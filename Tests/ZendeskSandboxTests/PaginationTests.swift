import Foundation
import JSONCore
import Testing
import ZendeskSandbox

/// Every list, paged both ways, yields every record exactly once.
@Suite struct PaginationTests {
    func ids(_ reply: SandboxHarness.Reply, _ key: String) -> [Int64] {
        ids(reply.json[key]?.arrayValue ?? [])
    }

    func ids(_ items: [JSONValue]) -> [Int64] {
        items.compactMap { $0["id"]?.numberValue.map { Int64($0) } }
    }

    @Test(arguments: ["tickets", "users", "organizations"])
    func cursorPaginationFollowingLinksNext(collection: String) async throws {
        try await withSandbox { zd async throws in
            let (items, pages) = try await zd.followingLinksNext("/api/v2/\(collection).json?page%5Bsize%5D=37", key: collection)
            let seen = ids(items)
            let count = collection == "tickets" ? 250 : (collection == "users" ? 50 : 5)
            #expect(seen.count == count)
            #expect(Set(seen).count == count)
            #expect(seen == seen.sorted())
            #expect(pages == (count + 36) / 37)
        }
    }

    /// Groups and ticket fields: every one once with page[size]=2 cursors and with per_page=2 offsets, and by id.
    @Test(arguments: [("groups", "group", 3), ("ticket_fields", "ticket_field", 9)])
    func accountConfigurationPagesBothWays(collection: String, single: String, count: Int) async throws {
        try await withSandbox { zd async throws in
            let cursorIds = ids(try await zd.followingLinksNext("/api/v2/\(collection).json?page%5Bsize%5D=2", key: collection).items)
            var offsetIds: [Int64] = []
            var offset: String? = "/api/v2/\(collection).json?per_page=2"
            while let url = offset {
                let page = try await zd.get(url)
                #expect(page.json["count"]?.numberValue == Double(count))
                offsetIds += ids(page, collection)
                offset = page.json["next_page"]?.stringValue
            }
            #expect(cursorIds.count == count)
            #expect(Set(cursorIds).count == count)
            #expect(offsetIds == cursorIds)
            let one = try await zd.get("/api/v2/\(collection)/\(cursorIds[1]).json")
            #expect(one.json[single]?["id"]?.numberValue == Double(cursorIds[1]))
            #expect(try await zd.get("/api/v2/\(collection)/1.json").status == 404)
        }
    }

    @Test func cursorPaginationRebuildingFromAfterCursorAsTapZendeskDoes() async throws {
        try await withSandbox { zd async throws in
            var seen: [Int64] = []
            var after: String? = nil
            repeat {
                let page = try await zd.get(
                    "/api/v2/tickets.json?page[size]=100"
                        + (after.map { "&page[after]=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" } ?? ""))
                seen += ids(page, "tickets")
                after = page.json["meta"]?["has_more"] == true ? page.json["meta"]?["after_cursor"]?.stringValue : nil
            } while after != nil
            #expect(seen == Array(1...250))
        }
    }

    @Test func offsetPaginationFollowingNextPage() async throws {
        try await withSandbox { zd async throws in
            var seen: [Int64] = []
            var next: String? = "/api/v2/tickets.json?per_page=100"
            while let url = next {
                let page = try await zd.get(url)
                #expect(page.json["count"] == 250)
                seen += ids(page, "tickets")
                next = page.json["next_page"]?.stringValue
            }
            #expect(seen == Array(1...250))
            let users = try await zd.get("/api/v2/users.json?role=agent")
            #expect(users.json["users"]?.arrayValue?.allSatisfy { $0["role"] == "agent" } == true)
            #expect(users.json["count"] == .number(Double(users.json["users"]!.arrayValue!.count)))
        }
    }

    @Test func offsetPaginationStopsAtTenThousandRecords() async throws {
        try await withSandbox { zd async throws in
            let r = try await zd.get("/api/v2/tickets.json?page=101&per_page=100")
            #expect(r.status == 400)
            #expect(r.json["error"] == "invalid_pagination")
        }
    }

    @Test func commentsPageInBothStyles() async throws {
        try await withSandbox {
            $0.commentsPerTicket = 6
        } _: { zd async throws in
            let all = try await zd.get("/api/v2/tickets/17/comments.json")
            let count = Int(all.json["count"]!.numberValue!)
            #expect(count >= 1)
            let seen = ids(try await zd.followingLinksNext("/api/v2/tickets/17/comments.json?page[size]=2", key: "comments").items)
            #expect(seen == ids(all, "comments"))
            #expect(seen.count == count)
            let first = all.json["comments"]!.arrayValue![0]
            let ticket = try await zd.get("/api/v2/tickets/17.json")
            #expect(first["body"] == ticket.json["ticket"]?["description"])
            #expect(try await zd.get("/api/v2/tickets/999999/comments.json").status == 404)
        }
    }
}

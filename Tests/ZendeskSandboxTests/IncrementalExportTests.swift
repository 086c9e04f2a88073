import Foundation
import JSONCore
import NIOHTTP1
import Testing
import ZendeskSandbox

@Suite struct IncrementalExportTests {
    /// Follows `after_url` until `end_of_stream`, never stopping on an empty page.
    func drain(_ zd: SandboxHarness, from url: String, key: String) async throws -> (items: [JSONValue], lastURL: String) {
        var items: [JSONValue] = []
        var next = url
        while true {
            let page = try await zd.get(next)
            #expect(page.status == 200, "\(page.json)")
            items += page.json[key]?.arrayValue ?? []
            next = try #require(page.json["after_url"]?.stringValue)
            if page.json["end_of_stream"] == true { return (items, next) }
        }
    }

    @Test func cursorExportReturnsEverythingThenExactlyTheChanges() async throws {
        try await withSandbox { zd async throws in
            let first = try await drain(zd, from: "/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=100", key: "tickets")
            #expect(first.items.compactMap { $0["id"]?.numberValue }.map { Int($0) } == Array(1...250))
            #expect(first.items.allSatisfy { $0["generated_timestamp"]?.numberValue != nil && $0["fields"] != nil })
            // Nothing changed: resuming yields nothing and still ends the stream.
            #expect(try await drain(zd, from: first.lastURL, key: "tickets").items.isEmpty)

            _ = try await zd.put("/api/v2/tickets/5.json", ["ticket": ["status": "solved", "comment": ["body": "Fixed", "public": true]]])
            let created = try await zd.post(
                "/api/v2/tickets.json", ["ticket": ["subject": "New one", "comment": ["body": "Help"], "requester_id": 10_000_000_030]])
            #expect(created.status == 201)
            let newId = try #require(created.json["ticket"]?["id"]?.numberValue)
            #expect(newId == 251)
            #expect(try await zd.send(.DELETE, "/api/v2/tickets/7.json", body: nil).status == 204)
            #expect(try await zd.get("/api/v2/tickets/7.json").status == 404)

            let changes = try await drain(zd, from: first.lastURL, key: "tickets")
            let byId = Dictionary(uniqueKeysWithValues: changes.items.map { (Int($0["id"]!.numberValue!), $0) })
            #expect(Set(byId.keys) == [5, 251, 7])
            // Ordered by (generated_timestamp, id), as Zendesk orders exports.
            let keys = changes.items.map { (Int64($0["generated_timestamp"]!.numberValue!), Int($0["id"]!.numberValue!)) }
            #expect(keys.map(\.0) == keys.map(\.0).sorted())
            #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) })
            #expect(byId[5]?["status"] == "solved")
            #expect(byId[7]?["status"] == "deleted")
            let comments = try await zd.get("/api/v2/tickets/5/comments.json")
            #expect(comments.json["comments"]?.arrayValue?.last?["body"] == "Fixed")
            let excluded = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0&exclude_deleted=true&per_page=1000")
            #expect(excluded.json["tickets"]?.arrayValue?.count == 251)
        }
    }

    @Test func userExportSeesCreatedAndUpdatedUsers() async throws {
        try await withSandbox { zd async throws in
            let first = try await drain(zd, from: "/api/v2/incremental/users/cursor.json?start_time=0", key: "users")
            #expect(first.items.count == 50)
            _ = try await zd.put("/api/v2/users/10000000012.json", ["user": ["name": "Renamed"]])
            _ = try await zd.post("/api/v2/users.json", ["user": ["name": "New User", "email": "new@example.com"]])
            let changes = try await drain(zd, from: first.lastURL, key: "users")
            #expect(changes.items.map { $0["name"]!.stringValue! } == ["Renamed", "New User"])
        }
    }

    @Test func timeBasedExportRepeatsBoundaryItemsButCoversAll() async throws {
        try await withSandbox { zd async throws in
            var seen = Set<Int>()
            var next = "/api/v2/incremental/tickets.json?start_time=0&per_page=100"
            var pages = 0
            while true {
                let page = try await zd.get(next)
                for t in page.json["tickets"]?.arrayValue ?? [] { seen.insert(Int(t["id"]!.numberValue!)) }
                #expect(page.json["count"] != nil && page.json["end_time"] != nil)
                pages += 1
                next = try #require(page.json["next_page"]?.stringValue)
                if page.json["end_of_stream"] == true { break }
            }
            #expect(seen == Set(1...250))
            #expect(pages == 3)
            let orgs = try await zd.get("/api/v2/incremental/organizations.json?start_time=0")
            #expect(orgs.json["organizations"]?.arrayValue?.count == 5)
        }
    }

    @Test func startTimeRules() async throws {
        try await withSandbox {
            $0.recentWindow = 60
        } _: { zd async throws in
            let now = Int(Date().timeIntervalSince1970)
            let recent = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=\(now - 10)")
            #expect(recent.status == 422)
            #expect(recent.json["error"] == "InvalidValue")
            #expect(recent.json["description"]?.stringValue?.hasPrefix("Too recent start_time") == true)
            #expect(try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=\(now + 3600)").status == 400)
            #expect(try await zd.get("/api/v2/incremental/tickets/cursor.json").status == 400)
            // A float start_time, as tap-zendesk sends it, is accepted.
            #expect(try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0.0&per_page=1").status == 200)
            // A change made now stays out of the export for the recent window.
            let all = try await drain(zd, from: "/api/v2/incremental/tickets/cursor.json?start_time=0", key: "tickets")
            _ = try await zd.put("/api/v2/tickets/3.json", ["ticket": ["priority": "high"]])
            #expect(try await drain(zd, from: all.lastURL, key: "tickets").items.isEmpty)
        }
    }
}

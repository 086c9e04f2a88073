import AsyncHTTPClient
import Foundation
import JSONCore
import Testing

/// The account endpoints third-party clients read (tap-zendesk's and Airbyte's streams and probes), their
/// paginations, and that their records agree with the tickets, users and organizations that refer to them.
@Suite struct AccountEndpointTests {
    static func ids(_ items: [JSONValue]) -> [Int64] { items.compactMap { $0["id"]?.integerValue } }

    /// Offset pages as clients follow them: `next_page` until null, every page 200.
    static func followingNextPage(_ zd: SandboxHarness, _ path: String, key: String) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var next: String? = path
        while let url = next {
            let page = try await zd.get(url)
            #expect(page.status == 200, "\(url)")
            items += page.json[key]?.arrayValue ?? []
            next = page.json["next_page"]?.stringValue
        }
        return items
    }

    @Test(arguments: [
        ("user_fields", "user_field"), ("organization_fields", "organization_field"), ("group_memberships", "group_membership"),
        ("brands", "brand"), ("macros", "macro"), ("satisfaction_ratings", "satisfaction_rating"),
    ])
    func listsPageInBothStylesAndShowEachRecord(collection: String, singular: String) async throws {
        try await withSandbox { zd async throws in
            let counts = try await zd.get("/__sandbox/counts").json
            let expected = Int(counts[collection]!.integerValue!)
            #expect(expected >= 1)
            let cursor = try await zd.followingLinksNext("/api/v2/\(collection).json?page[size]=1", key: collection)
            #expect(cursor.items.count == expected)
            #expect(cursor.pages == expected)
            let offset = try await Self.followingNextPage(zd, "/api/v2/\(collection).json?per_page=1", key: collection)
            #expect(Self.ids(offset) == Self.ids(cursor.items))
            #expect(Set(Self.ids(offset)).count == expected)
            let first = cursor.items[0]
            let shown = try await zd.get("/api/v2/\(collection)/\(first["id"]!.integerValue!).json")
            #expect(shown.status == 200)
            #expect(shown.json[singular] == first)
            #expect(try await zd.get("/api/v2/\(collection)/1.json").status == 404)
        }
    }

    @Test(arguments: [
        ("/api/v2/ticket_forms.json", "ticket_forms", true), ("/api/v2/custom_roles.json", "custom_roles", true),
        ("/api/v2/slas/policies.json", "sla_policies", true), ("/api/v2/channels/voice/phone_numbers.json", "phone_numbers", true),
        ("/api/v2/business_hours/schedules.json?page[size]=100", "schedules", false),
    ])
    func unpagedListsComeWhole(path: String, key: String, offsetFields: Bool) async throws {
        try await withSandbox { zd async throws in
            let r = try await zd.get(path)
            #expect(r.status == 200)
            let counts = try await zd.get("/__sandbox/counts").json
            let items = r.json[key]?.arrayValue ?? []
            #expect(items.count == Int(counts[key]?.integerValue ?? 0))
            let keys = Set(r.json.objectValue?.keys.map { $0 } ?? [])
            #expect(keys == (offsetFields ? [key, "next_page", "previous_page", "count"] : [key]))
            if offsetFields {
                #expect(r.json["next_page"] == .null)
                #expect(r.json["count"] == .integer(Int64(items.count)))
            }
        }
    }

    @Test func accountSettingsShowOrganizationAccess() async throws {
        try await withSandbox { zd async throws in
            let r = try await zd.get("/api/v2/account/settings.json")
            #expect(r.status == 200)
            #expect(r.json["settings"]?["active_features"]?["organization_access_enabled"] == true)
        }
    }

    /// A ticket's form, brand and group are listed; a comment's author and a rating's ticket exist; the custom
    /// field keys users and organizations carry are the keys the field lists define; memberships join existing
    /// agents to existing groups.
    @Test func recordsAgreeAcrossEndpoints() async throws {
        try await withSandbox { zd async throws in
            let forms = Set(Self.ids(try await zd.get("/api/v2/ticket_forms.json").json["ticket_forms"]!.arrayValue!))
            let brands = Set(Self.ids(try await zd.get("/api/v2/brands.json").json["brands"]!.arrayValue!))
            let groups = Set(Self.ids(try await zd.get("/api/v2/groups.json").json["groups"]!.arrayValue!))
            let users = try await zd.followingLinksNext("/api/v2/users.json?page[size]=100", key: "users").items
            let userIds = Set(Self.ids(users))
            let tickets = try await zd.followingLinksNext("/api/v2/tickets.json?page[size]=100", key: "tickets").items
            #expect(tickets.count == 250)
            for t in tickets {
                #expect(forms.contains(t["ticket_form_id"]!.integerValue!))
                #expect(brands.contains(t["brand_id"]!.integerValue!))
                #expect(groups.contains(t["group_id"]!.integerValue!))
                #expect(userIds.contains(t["requester_id"]!.integerValue!))
            }
            for id in [1, 42, 250] {
                for c in try await zd.get("/api/v2/tickets/\(id)/comments.json").json["comments"]!.arrayValue! {
                    #expect(userIds.contains(c["author_id"]!.integerValue!))
                }
            }
            let userFieldKeys = Set(
                try await zd.get("/api/v2/user_fields.json").json["user_fields"]!.arrayValue!.compactMap { $0["key"]?.stringValue })
            #expect(userFieldKeys == ["plan", "employee_id"])
            for u in users { #expect(Set(u["user_fields"]!.objectValue!.keys) == userFieldKeys) }
            let organizationFieldKeys = Set(
                try await zd.get("/api/v2/organization_fields.json").json["organization_fields"]!.arrayValue!.compactMap { $0["key"]?.stringValue })
            let organizations = try await zd.get("/api/v2/organizations.json").json["organizations"]!.arrayValue!
            #expect(!organizations.isEmpty)
            for o in organizations { #expect(Set(o["organization_fields"]!.objectValue!.keys) == organizationFieldKeys) }
            for m in try await zd.get("/api/v2/group_memberships.json").json["group_memberships"]!.arrayValue! {
                let user = users.first { $0["id"] == m["user_id"] }
                #expect(user?["role"] != "end-user" && user != nil)
                #expect(groups.contains(m["group_id"]!.integerValue!))
            }
            let ratings = try await zd.followingLinksNext("/api/v2/satisfaction_ratings.json?page[size]=100", key: "satisfaction_ratings").items
            #expect(!ratings.isEmpty)
            for rating in ratings {
                let ticket = tickets.first { $0["id"] == rating["ticket_id"] }
                #expect(ticket?["requester_id"] == rating["requester_id"])
                #expect(["solved", "closed"].contains(ticket?["status"]?.stringValue ?? ""))
                #expect(ticket?["updated_at"] == rating["updated_at"])
            }
        }
    }

    @Test func satisfactionRatingsFilterByTimeAndScore() async throws {
        try await withSandbox { zd async throws in
            let all = try await zd.followingLinksNext("/api/v2/satisfaction_ratings.json?page[size]=100", key: "satisfaction_ratings").items
            let times = all.compactMap { $0["updated_at"]?.stringValue }.sorted()
            let middle = times[times.count / 2]
            let epoch = Int64(ISO8601DateFormatter().date(from: middle)!.timeIntervalSince1970)
            let since = try await zd.followingLinksNext(
                "/api/v2/satisfaction_ratings.json?page[size]=100&sort=created_at&start_time=\(epoch)", key: "satisfaction_ratings"
            ).items
            #expect(Self.ids(since) == Self.ids(all.filter { $0["updated_at"]!.stringValue! >= middle }))
            let bad = try await zd.get("/api/v2/satisfaction_ratings.json?score=bad").json["satisfaction_ratings"]!.arrayValue!
            #expect(Self.ids(bad) == Self.ids(all.filter { $0["score"] == "bad" }))
            #expect(!bad.isEmpty)
        }
    }
}

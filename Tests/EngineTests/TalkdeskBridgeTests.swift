import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// The Talkdesk contact-synchronization bridge, driven by a client written from Talkdesk's protocol: POST
/// `{auth, meta}` and follow `next_offset` until there is none, then keep the last `synchronization_checkpoint`.
@Suite struct TalkdeskBridgeTests {
    /// What a Talkdesk synchronizer does: pages until no `next_offset`; returns every page's contacts and the
    /// last checkpoint.
    struct Synchronizer {
        let h: EngineHarness
        let auth: JSONValue

        func sync(checkpoint: String?) async throws -> (pages: [[JSONValue]], checkpoint: String?) {
            var pages: [[JSONValue]] = []
            var offset: JSONValue = .null
            var context: JSONValue = .null
            var last = checkpoint
            repeat {
                var meta: [String: JSONValue] = [:]
                if let checkpoint { meta["synchronization_checkpoint"] = .string(checkpoint) }
                if !offset.isNull {
                    meta["offset"] = offset
                    meta["context"] = context
                }
                let r = try await h.api.request(
                    .POST, "/bridges/talkdesk/contacts", json: ["auth": auth, "meta": .object(meta)], authenticated: false)
                #expect(r.status == 200, "\(r.json.jsonString())")
                pages.append(r.json["contacts"]?.arrayValue ?? [])
                if let c = r.json["synchronization_checkpoint"]?.stringValue { last = c }
                offset = r.json["next_offset"] ?? .null
                context = r.json["context"] ?? .null
            } while !offset.isNull && pages.count < 100
            return (pages, last)
        }
    }

    static func id(_ v: JSONValue?) -> String { v?.numberValue.map { String(Int64($0)) } ?? v?.stringValue ?? "" }

    @Test func initialThenIncrementalWithTiesAcrossPages() async throws {
        var sandbox = SandboxConfiguration()
        sandbox.tickets = 10
        sandbox.users = 11_050
        sandbox.recentWindow = 2
        try await withStore(.sqlite) { store in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                try await withEngine(
                    store: store, client: client, sandboxConfiguration: sandbox, configuration: testEngineConfiguration, engineRunning: false
                ) { h in
                    try await Self.scenario(h)
                }
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    static func scenario(_ h: EngineHarness) async throws {
        let account = try await h.account()
        let synchronizer = Synchronizer(h: h, auth: ["api_token": .string(h.api.token), "integrated_account_id": .string(account)])
        // 100 end-users changed in one bulk update share one updated_at; the export's position 11,000 (a page
        // boundary) falls inside them.
        let endUsers = try await h.zendeskAll("/api/v2/users.json?role=end-user", key: "users")
        let tied = endUsers.prefix(100).map { id($0["id"]) }
        _ = try await h.zendesk(.PUT, "/api/v2/users/update_many.json?ids=\(tied.joined(separator: ","))", ["user": ["tags": ["vip"]]])
        _ = try await h.zendesk(.POST, "/__sandbox/clock", ["advance_seconds": 3])  // past the sandbox's 2-second export hold-back

        let world = try await h.zendeskAll("/api/v2/users.json?role=end-user", key: "users")
        let updatedAt = Dictionary(uniqueKeysWithValues: world.map { (id($0["id"]), $0["updated_at"]?.stringValue ?? "") })
        let initial = try await synchronizer.sync(checkpoint: nil)
        let all = initial.pages.flatMap { $0 }
        #expect(all.count == world.count)
        #expect(Set(all.map { id($0["id"]) }) == Set(updatedAt.keys))
        // Ascending by (updated_at, id), within and across pages.
        let keys = all.map { (updatedAt[id($0["id"])] ?? "", Int64(id($0["id"])) ?? 0) }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 })
        // The tie really crosses a page boundary.
        let boundaries = zip(initial.pages, initial.pages.dropFirst()).filter { !$0.isEmpty && !$1.isEmpty }
        #expect(boundaries.contains { updatedAt[id($0.last!["id"])] == updatedAt[id($1.first!["id"])] })
        let lastTied = try #require(tied.max { Int64($0)! < Int64($1)! })
        #expect(initial.checkpoint?.hasSuffix("#\(lastTied)") == true, "\(initial.checkpoint ?? "nil")")

        // One contact as Talkdesk wants it.
        let sample = try #require(world.first { !($0["organization_id"]?.isNull ?? true) && !($0["phone"]?.isNull ?? true) })
        let organization = try await h.zendesk(.GET, "/api/v2/organizations/\(id(sample["organization_id"])).json")
        let mapped = try #require(all.first { id($0["id"]) == id(sample["id"]) })
        #expect(
            mapped == [
                "id": .string(id(sample["id"])), "name": sample["name"]!, "emails": [sample["email"]!], "phones": [sample["phone"]!],
                "company": organization["organization"]!["name"]!, "url": .string("\(h.sandboxURL)/agent/users/\(id(sample["id"]))"),
            ])

        // Changes: a contact, a new contact, and an agent (not a contact).
        let changed = id(world[500]["id"])
        _ = try await h.zendesk(.PUT, "/api/v2/users/\(changed).json", ["user": ["phone": "+15550199"]])
        let created = try await h.zendesk(
            .POST, "/api/v2/users.json", ["user": ["name": "Nadia New", "email": "nadia@example.com", "role": "end-user"]])
        let newId = id(created["user"]?["id"])
        let agent = try #require(try await h.zendesk(.GET, "/api/v2/users.json?role=agent&page%5Bsize%5D=2")["users"]?.arrayValue?.last)
        _ = try await h.zendesk(.PUT, "/api/v2/users/\(id(agent["id"])).json", ["user": ["name": "Agent Renamed"]])
        _ = try await h.zendesk(.POST, "/__sandbox/clock", ["advance_seconds": 3])
        let incremental = try await synchronizer.sync(checkpoint: initial.checkpoint)
        let changes = incremental.pages.flatMap { $0 }
        #expect(changes.map { id($0["id"]) } == [changed, newId])
        #expect(changes.first?["phones"] == ["+15550199"])
        #expect(incremental.checkpoint?.hasSuffix("#\(newId)") == true)

        // Nothing changed since: no contacts, the checkpoint stays.
        let quiet = try await synchronizer.sync(checkpoint: incremental.checkpoint)
        #expect(quiet.pages.flatMap { $0 }.isEmpty)
        #expect(quiet.checkpoint == incremental.checkpoint)
    }

    @Test func authAndMetaErrorsAreClear() async throws {
        try await withEngine(.sqlite, tickets: 10, engineRunning: false) { h in
            let account = try await h.account()
            func post(_ body: JSONValue) async throws -> (Int, JSONValue) {
                let r = try await h.api.request(.POST, "/bridges/talkdesk/contacts", json: body, authenticated: false)
                return (r.status, r.json)
            }
            let (s1, e1) = try await post(["auth": ["username": "a", "password": "b"], "meta": [:]])
            #expect(s1 == 401)
            #expect(e1["code"] == "missing_token")
            let (s2, e2) = try await post(["auth": ["api_token": "nope", "integrated_account_id": .string(account)], "meta": [:]])
            #expect(s2 == 401)
            #expect(e2["code"] == "invalid_token")
            let (s3, e3) = try await post([
                "auth": ["api_token": .string(h.api.token), "integrated_account_id": .string(UUID().uuidString)], "meta": [:],
            ])
            #expect(s3 == 404, "\(e3.jsonString())")
            let (s4, e4) = try await post([
                "auth": ["api_token": .string(h.api.token), "integrated_account_id": .string(account)],
                "meta": ["synchronization_checkpoint": "yesterday"],
            ])
            #expect(s4 == 422)
            #expect(
                failureLines(e4) == [
                    "meta.synchronization_checkpoint: must be a checkpoint this bridge returned, or a date such as '2012-11-20 23:01:00 UTC'"
                ])
            // Talkdesk's own sample date format is accepted as a checkpoint.
            let (s5, _) = try await post([
                "auth": ["api_token": .string(h.api.token), "integrated_account_id": .string(account)],
                "meta": ["synchronization_checkpoint": "2012-11-20 23:01:00 UTC"],
            ])
            #expect(s5 == 200)
        }
    }
}

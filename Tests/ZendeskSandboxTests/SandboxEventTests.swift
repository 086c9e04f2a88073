import Crypto
import Foundation
import JSONCore
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// Event subscriptions, `/webhooks/test`, safe updates, organizations and the virtual clock.
@Suite struct SandboxEventTests {
    static func verify(_ d: WebhookReceiver.Delivery, secret: String) -> Bool {
        guard let timestamp = d.headers["x-zendesk-webhook-signature-timestamp"] else { return false }
        let mac = HMAC<SHA256>.authenticationCode(for: Data((timestamp + d.body).utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return d.headers["x-zendesk-webhook-signature"] == Data(mac).base64EncodedString()
    }

    /// The id of a ticket that is neither solved nor closed (so it can be changed and solved).
    static func openTicket(_ zd: SandboxHarness, skip: Int = 0) async throws -> Int64 {
        let tickets = try await zd.get("/api/v2/tickets.json?per_page=100").json["tickets"]?.arrayValue ?? []
        let open = tickets.filter { ["new", "open", "pending", "hold"].contains($0["status"]?.stringValue ?? "") }
        return Int64(try #require(open.dropFirst(skip).first?["id"]?.numberValue))
    }

    /// A webhook subscribed to event types receives Zendesk's signed event envelope for exactly those events.
    @Test func eventSubscriptionsDeliverEnvelopes() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await withSandbox { zd async throws in
                let types: [JSONValue] = [
                    "zen:event-type:user.created", "zen:event-type:organization.created", "zen:event-type:ticket.status_changed",
                    "zen:event-type:ticket.comment_added",
                ]
                let hook = try await zd.post(
                    "/api/v2/webhooks", ["webhook": ["name": "events", "endpoint": .string(url + "/events"), "subscriptions": .array(types)]])
                #expect(hook.status == 201)
                let id = try #require(hook.json["webhook"]?["id"]?.stringValue)
                let secret = try #require(try await zd.get("/api/v2/webhooks/\(id)/signing_secret").json["signing_secret"]?["secret"]?.stringValue)
                let bad = try await zd.post(
                    "/api/v2/webhooks", ["webhook": ["name": "x", "endpoint": .string(url), "subscriptions": ["zen:event-type:nope"]]])
                #expect(bad.status == 422)

                let user = try await zd.post("/api/v2/users.json", ["user": ["name": "Eve Example", "email": "eve@example.com"]])
                let org = try await zd.post("/api/v2/organizations.json", ["organization": ["name": "Evented Ltd"]])
                let solved = try await Self.openTicket(zd)
                _ = try await zd.put(
                    "/api/v2/tickets/\(solved).json", ["ticket": ["status": "solved", "comment": ["body": "Done", "public": true]]])
                // No subscribed event:
                _ = try await zd.put("/api/v2/tickets/\(try await Self.openTicket(zd)).json", ["ticket": ["tags": ["no-event"]]])
                _ = try await zd.post("/api/v2/tickets.json", ["ticket": ["subject": "not subscribed", "comment": ["body": "x"]]])

                let events = receiver.deliveries.compactMap { try? JSONParser.parse($0.body) }
                #expect(
                    events.map(\.["type"]) == [
                        "zen:event-type:user.created", "zen:event-type:organization.created", "zen:event-type:ticket.status_changed",
                        "zen:event-type:ticket.comment_added",
                    ])
                #expect(receiver.deliveries.allSatisfy { Self.verify($0, secret: secret) && $0.headers["x-zendesk-webhook-id"] == id })
                #expect(events[0]["subject"] == .string("zen:user:\(Int64(user.json["user"]?["id"]?.numberValue ?? 0))"))
                #expect(events[0]["detail"]?["email"] == "eve@example.com")
                #expect(events[1]["detail"]?["name"] == "Evented Ltd")
                #expect(events[1]["subject"] == .string("zen:organization:\(Int64(org.json["organization"]?["id"]?.numberValue ?? 0))"))
                #expect(events[2]["subject"] == .string("zen:ticket:\(solved)"))
                #expect(events[2]["event"]?["current"] == "SOLVED")
                #expect(events[3]["event"]?["comment"]?["body"] == "Done")
                #expect(events.allSatisfy { $0["zendesk_event_version"] == "2022-11-06" && $0["account_id"] != nil && $0["time"] != nil })
            }
        }
    }

    /// `POST /webhooks/test` sends one signed request and reports the receiver's answer.
    @Test func webhookTestReportsTheAnswer() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await withSandbox { zd async throws in
                receiver.respond(with: 202)
                let r = try await zd.post(
                    "/api/v2/webhooks/test",
                    [
                        "webhook": ["endpoint": .string(url + "/t"), "http_method": "POST", "request_format": "json"],
                        "request": ["payload": "{\"hello\":1}"],
                    ])
                #expect(r.status == 200)
                #expect(r.json["response"]?["status"] == 202)
                #expect(receiver.deliveries.map(\.body) == ["{\"hello\":1}"])
                let hook = try await zd.post("/api/v2/webhooks", ["webhook": ["name": "h", "endpoint": .string(url + "/stored")]])
                let id = try #require(hook.json["webhook"]?["id"]?.stringValue)
                let secret = try #require(try await zd.get("/api/v2/webhooks/\(id)/signing_secret").json["signing_secret"]?["secret"]?.stringValue)
                _ = try await zd.post("/api/v2/webhooks/test?webhook_id=\(id)", [:])
                let stored = try #require(receiver.deliveries.last)
                #expect(stored.path == "/stored")
                #expect(Self.verify(stored, secret: secret))
                #expect(try await zd.post("/api/v2/webhooks/test?webhook_id=nope", [:]).status == 404)
                let unreachable = try await zd.post("/api/v2/webhooks/test", ["webhook": ["endpoint": "http://127.0.0.1:9/x"]])
                #expect(unreachable.json["response"]?["status"] == 0)
            }
        }
    }

    /// `safe_update` with a stale `updated_stamp` is refused with 409 UpdateConflict and changes nothing; with the
    /// current stamp it goes through.
    @Test func safeUpdateRefusesStaleWrites() async throws {
        try await withSandbox { zd async throws in
            let id = try await Self.openTicket(zd)
            let before = try #require(try await zd.get("/api/v2/tickets/\(id).json").json["ticket"])
            let stamp = try #require(before["updated_at"]?.stringValue)
            let ok = try await zd.put(
                "/api/v2/tickets/\(id).json", ["ticket": ["subject": "first writer", "safe_update": true, "updated_stamp": .string(stamp)]])
            #expect(ok.status == 200)
            let stale = try await zd.put(
                "/api/v2/tickets/\(id).json", ["ticket": ["subject": "second writer", "safe_update": true, "updated_stamp": .string(stamp)]])
            #expect(stale.status == 409)
            #expect(stale.json["error"] == "UpdateConflict")
            #expect(try await zd.get("/api/v2/tickets/\(id).json").json["ticket"]?["subject"] == "first writer")
            let missing = try await zd.put("/api/v2/tickets/\(id).json", ["ticket": ["subject": "x", "safe_update": true]])
            #expect(missing.status == 422)
        }
    }

    /// Organizations: create (unique names), update, delete; lists and the export follow.
    @Test func organizationsCrud() async throws {
        try await withSandbox { zd async throws in
            let countBefore = try await zd.get("/api/v2/organizations.json").json["count"]?.numberValue ?? 0
            let created = try await zd.post("/api/v2/organizations.json", ["organization": ["name": "Newco", "domain_names": ["newco.example"]]])
            #expect(created.status == 201)
            let id = Int64(try #require(created.json["organization"]?["id"]?.numberValue))
            #expect(try await zd.post("/api/v2/organizations.json", ["organization": ["name": "Newco"]]).status == 422)
            let generatedName = try #require(
                try await zd.get("/api/v2/organizations.json?per_page=1").json["organizations"]?.arrayValue?.first?["name"])
            #expect(try await zd.post("/api/v2/organizations.json", ["organization": ["name": generatedName]]).status == 422)
            #expect(try await zd.get("/api/v2/organizations.json").json["count"]?.numberValue == countBefore + 1)
            let renamed = try await zd.put("/api/v2/organizations/\(id).json", ["organization": ["name": "Newco Group"]])
            #expect(renamed.json["organization"]?["name"] == "Newco Group")
            let export = try await zd.get("/api/v2/incremental/organizations.json?start_time=0&per_page=1000")
            #expect(export.json["organizations"]?.arrayValue?.contains { $0["id"] == .number(Double(id)) && $0["name"] == "Newco Group" } == true)
            #expect(try await zd.send(.DELETE, "/api/v2/organizations/\(id).json", body: nil).status == 204)
            #expect(try await zd.get("/api/v2/organizations/\(id).json").status == 404)
            #expect(try await zd.get("/api/v2/organizations.json").json["count"]?.numberValue == countBefore)
        }
    }

    /// The virtual clock: advancing it moves change times and the recent-window cut-off without waiting.
    @Test func virtualClockMovesNow() async throws {
        try await withSandbox {
            $0.recentWindow = 60
        } _: { zd async throws in
            let real = Int64(Date().timeIntervalSince1970)
            let moved = try await zd.post("/__sandbox/clock", ["advance_seconds": 7200])
            let now = try #require(Timestamp.parse(moved.json["now"]?.stringValue ?? ""))
            #expect(abs(Int64(now.timeIntervalSince1970) - real - 7200) < 60)
            #expect(moved.json["offset_seconds"] == 7200)
            // A start time one hour ahead of the real clock is an hour in the virtual past: accepted.
            let export = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=\(real + 3600)")
            #expect(export.status == 200)
            let updated = try await zd.put("/api/v2/tickets/2.json", ["ticket": ["priority": "high"]])
            let at = try #require(Timestamp.parse(updated.json["ticket"]?["updated_at"]?.stringValue ?? ""))
            #expect(Int64(at.timeIntervalSince1970) >= real + 7200)
            // Just changed, so held back by the recent window until the clock moves past it.
            let recent = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=\(real + 3600)")
            #expect(recent.json["tickets"]?.arrayValue?.isEmpty == true)
            _ = try await zd.post("/__sandbox/clock", ["advance_seconds": 61])
            let later = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=\(real + 3600)")
            #expect(later.json["tickets"]?.arrayValue?.compactMap { $0["id"] } == [2])
            let reset = try await zd.post("/__sandbox/clock", ["reset": true])
            #expect(reset.json["offset_seconds"] == 0)
            #expect(try await zd.post("/__sandbox/clock", ["bogus": 1]).status == 400)
        }
    }
}

/// Fixtures and per-route latency.
@Suite struct SandboxFixtureTests {
    static let fixtures: JSONValue = [
        "organizations": [["name": "Fixture Org", "domain_names": ["fixture.example"]]],
        "users": [
            ["name": "Fran Fixture", "email": "fran@fixture.example", "role": "end-user"],
            ["name": "Alex Agent", "email": "alex@fixture.example", "role": "agent"],
        ],
        "tickets": [
            [
                "subject": "Imported", "requester_email": "fran@fixture.example", "status": "solved", "created_at": "2024-03-01T10:00:00Z",
                "updated_at": "2024-03-02T10:00:00Z",
                "comments": [
                    ["body": "It broke", "created_at": "2024-03-01T10:00:00Z"],
                    ["body": "Fixed", "created_at": "2024-03-02T09:00:00Z", "public": false],
                ],
            ],
            ["subject": "Second", "comment": ["body": "Hello"]],
        ],
    ]

    /// Fixtures go in through the create code, all at once; the records are then served like any other.
    @Test func fixturesAddRecords() async throws {
        try await withSandbox { zd async throws in
            let r = try await zd.post("/__sandbox/fixtures", Self.fixtures)
            #expect(r.status == 201, "\(r.json.jsonString())")
            let ticketIds = r.json["created"]?["tickets"]?.arrayValue ?? []
            #expect(ticketIds.count == 2)
            #expect(r.json["created"]?["users"]?.arrayValue?.count == 2 && r.json["created"]?["organizations"]?.arrayValue?.count == 1)
            let id = Int64(try #require(ticketIds.first?.numberValue))
            let ticket = try #require(try await zd.get("/api/v2/tickets/\(id).json").json["ticket"])
            #expect(ticket["subject"] == "Imported" && ticket["status"] == "solved" && ticket["created_at"] == "2024-03-01T10:00:00Z")
            let fran = try await zd.get("/api/v2/users/\(Int64(ticket["requester_id"]?.numberValue ?? 0)).json").json["user"]
            #expect(fran?["email"] == "fran@fixture.example")
            let comments = try await zd.get("/api/v2/tickets/\(id)/comments.json").json["comments"]?.arrayValue ?? []
            #expect(comments.map(\.["body"]) == ["It broke", "Fixed"] && comments.last?["public"] == false)
            #expect(comments.last?["created_at"] == "2024-03-02T09:00:00Z")
        }
    }

    /// One bad record and nothing is added; the error names it.
    @Test func invalidFixturesAddNothing() async throws {
        try await withSandbox { zd async throws in
            let before = try await zd.get("/api/v2/organizations.json").json["count"]
            let bad: JSONValue = [
                "organizations": Self.fixtures["organizations"]!,
                "tickets": [
                    ["subject": "ok", "comment": ["body": "x"]],
                    ["subject": "bad", "requester_email": "nobody@nowhere.example", "comment": ["body": "y"]],
                ],
            ]
            let r = try await zd.post("/__sandbox/fixtures", bad)
            #expect(r.status == 422)
            #expect(r.json["details"]?["tickets[1].requester_email"] != nil, "\(r.json.jsonString())")
            #expect(try await zd.get("/api/v2/organizations.json").json["count"] == before)
            #expect(try await zd.post("/__sandbox/fixtures", ["widgets": []]).status == 422)
            #expect(try await zd.post("/__sandbox/fixtures", ["users": [["email": "no-name@example.com"]]]).json["details"]?["users[0].name"] != nil)
        }
    }

    /// `route_latency_ms` slows only the matching routes (checked as a lower bound: a busy machine is only slower).
    @Test func routeLatency() async throws {
        try await withSandbox { zd async throws in
            let set = try await zd.post("/__sandbox/settings", ["route_latency_ms": ["incremental": 300]])
            #expect(set.json["route_latency_ms"] == ["incremental": 300])
            let start = ContinuousClock.now
            #expect(try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1").status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(290))
        }
    }
}

import Crypto
import Foundation
import JSONCore
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

@Suite struct SandboxBehaviourTests {
    @Test func authenticationAsZendesk() async throws {
        try await withSandbox { zd async throws in
            let none = try await zd.get("/api/v2/tickets.json", auth: nil)
            #expect(none.status == 401)
            #expect(none.json == ["error": "Couldn't authenticate you"])
            let wrong = try await zd.get("/api/v2/tickets.json", auth: "Basic " + Data("admin@example.com/token:nope".utf8).base64EncodedString())
            #expect(wrong.status == 401)
            #expect(try await zd.get("/api/v2/users/me.json", auth: "Bearer sandbox-oauth-token").json["user"]?["role"] == "admin")
            #expect(try await zd.get("/api/v2/tickets/100000.json").json == ["error": "RecordNotFound", "description": "Not found"])
        }
    }

    /// The account's API token with an agent's e-mail acts as that agent: tickets yes, admin-only endpoints 403;
    /// an end-user gets 403 everywhere; an unknown e-mail 401.
    @Test func rolesLimitWhatUsersMayCall() async throws {
        try await withSandbox { zd async throws in
            let users = try await zd.get("/api/v2/users.json?per_page=100").json["users"]?.arrayValue ?? []
            let agent = try #require(users.first { $0["role"] == "agent" }?["email"]?.stringValue)
            let endUser = try #require(users.first { $0["role"] == "end-user" }?["email"]?.stringValue)
            func basic(_ email: String) -> String { "Basic " + Data("\(email)/token:sandbox-token".utf8).base64EncodedString() }
            #expect(try await zd.get("/api/v2/tickets.json", auth: basic(agent)).status == 200)
            let export = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0", auth: basic(agent))
            #expect(export.status == 403)
            #expect(export.json["error"] == "Forbidden")
            #expect(try await zd.get("/api/v2/webhooks", auth: basic(agent)).status == 403)
            #expect(try await zd.get("/api/v2/tickets.json", auth: basic(endUser)).status == 403)
            #expect(try await zd.get("/api/v2/tickets.json", auth: basic("nobody@example.com")).status == 401)
            #expect(try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0").status == 200)
        }
    }

    /// `POST /webhooks/{id}/signing_secret` replaces the secret; reading it back gives the new one.
    @Test func webhookSigningSecretReset() async throws {
        try await withSandbox { zd async throws in
            let hook = try await zd.post("/api/v2/webhooks", ["webhook": ["name": "h", "endpoint": "http://127.0.0.1:9/x"]])
            let id = try #require(hook.json["webhook"]?["id"]?.stringValue)
            let before = try await zd.get("/api/v2/webhooks/\(id)/signing_secret").json["signing_secret"]?["secret"]
            let reset = try await zd.post("/api/v2/webhooks/\(id)/signing_secret", [:])
            #expect(reset.status == 201)
            let after = try await zd.get("/api/v2/webhooks/\(id)/signing_secret").json["signing_secret"]?["secret"]
            #expect(after == reset.json["signing_secret"]?["secret"])
            #expect(after != before)
            #expect(try await zd.post("/api/v2/webhooks/nope/signing_secret", [:]).status == 404)
        }
    }

    @Test func sameSeedSameWorld() async throws {
        let a = try await withSandbox {
            $0.seed = 7
        } _: {
            try await $0.get("/api/v2/tickets/42.json").json
        }
        let b = try await withSandbox {
            $0.seed = 7
        } _: {
            try await $0.get("/api/v2/tickets/42.json").json
        }
        let c = try await withSandbox {
            $0.seed = 8
        } _: {
            try await $0.get("/api/v2/tickets/42.json").json
        }
        #expect(a["ticket"]?["subject"] == b["ticket"]?["subject"] && a["ticket"]?["updated_at"] == b["ticket"]?["updated_at"])
        #expect(a["ticket"]?["updated_at"] != c["ticket"]?["updated_at"] || a["ticket"]?["requester_id"] != c["ticket"]?["requester_id"])
    }

    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        try await withSandbox {
            $0.rateLimit = 5
        } _: { zd async throws in
            for _ in 0..<5 {
                let ok = try await zd.get("/api/v2/tickets/1.json")
                #expect(ok.status == 200)
                #expect(ok.headers["x-rate-limit"] == "5")
            }
            let limited = try await zd.get("/api/v2/tickets/1.json")
            #expect(limited.status == 429)
            let retry = try #require(limited.headers["retry-after"].flatMap(Int.init))
            #expect((1...60).contains(retry))
            #expect(limited.headers["x-rate-limit-remaining"] == "0")
            let stats = try await zd.get("/__sandbox/stats", auth: nil)
            #expect(stats.json["rate_limited"] == 1)
            #expect(stats.json["by_endpoint"]?["GET tickets/{id}"] == 6)
        }
    }

    @Test func incrementalExportsHaveTheirOwnLowerLimit() async throws {
        try await withSandbox {
            $0.incrementalRateLimit = 2
        } _: { zd async throws in
            #expect(try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1").status == 200)
            #expect(try await zd.get("/api/v2/incremental/users/cursor.json?start_time=0&per_page=1").status == 200)
            #expect(try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1").status == 429)
            #expect(try await zd.get("/api/v2/tickets/1.json").status == 200)
        }
    }

    @Test func queuedFaultsAreDeterministic() async throws {
        try await withSandbox { zd async throws in
            _ = try await zd.post("/__sandbox/faults", ["status": 503, "count": 2, "path_contains": "/tickets/2", "retry_after": 3])
            _ = try await zd.post("/__sandbox/faults", ["status": 200, "count": 1, "path_contains": "/users", "malformed": true])
            #expect(try await zd.get("/api/v2/tickets/1.json").status == 200)
            let first = try await zd.get("/api/v2/tickets/2.json")
            #expect(first.status == 503)
            #expect(first.headers["retry-after"] == "3")
            #expect(try await zd.get("/api/v2/tickets/2.json").status == 503)
            #expect(try await zd.get("/api/v2/tickets/2.json").status == 200)
            let malformed = try await zd.get("/api/v2/users.json")
            #expect(malformed.status == 200)
            #expect(malformed.json.stringValue != nil)  // not parseable JSON
        }
    }

    /// `skip`: that many matching requests pass before the fault starts (a test can fail the second page).
    @Test func faultsCanSkipTheFirstMatchingRequests() async throws {
        try await withSandbox { zd async throws in
            _ = try await zd.post("/__sandbox/faults", ["status": 500, "count": 1, "path_contains": "/tickets.json", "skip": 2])
            #expect(try await zd.get("/api/v2/users.json").status == 200)
            #expect(try await zd.get("/api/v2/tickets.json").status == 200)
            #expect(try await zd.get("/api/v2/tickets.json").status == 200)
            #expect(try await zd.get("/api/v2/tickets.json").status == 500)
            #expect(try await zd.get("/api/v2/tickets.json").status == 200)
        }
    }

    /// `drop`: the answer starts, then the connection closes mid-body; the next request is served normally.
    @Test func droppedConnectionsAreInjected() async throws {
        try await withSandbox { zd async throws in
            _ = try await zd.post("/__sandbox/faults", ["status": 200, "count": 1, "path_contains": "/tickets.json", "drop": true])
            await #expect(throws: (any Error).self) { _ = try await zd.get("/api/v2/tickets.json") }
            #expect(try await zd.get("/api/v2/tickets.json").status == 200)
        }
    }

    @Test func errorRateIsDeterministicUnderASeed() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            try await withSandbox {
                $0.seed = seed
                $0.errorRate = 0.3
            } _: { zd async throws in
                var out: [Int] = []
                for _ in 0..<30 { out.append(try await zd.get("/api/v2/tickets/1.json").status) }
                return out
            }
        }
        let a = try await statuses(seed: 3)
        let b = try await statuses(seed: 3)
        #expect(a == b)
        #expect(a.contains { [500, 502, 503].contains($0) })
        #expect(a.contains(200))
    }

    @Test func searchFiltersAndLimits() async throws {
        try await withSandbox {
            $0.tickets = 1500
        } _: { zd async throws in
            let tickets = try await zd.get("/api/v2/tickets/1000.json").json["ticket"]!
            let since = tickets["updated_at"]!.stringValue!
            let query = "type:ticket updated>=\(since)".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let r = try await zd.get("/api/v2/search.json?query=\(query)&sort_by=updated_at&sort_order=asc")
            #expect(r.json["count"] == 501)
            #expect(r.json["results"]?.arrayValue?.first?["id"] == 1000)
            #expect(r.json["results"]?.arrayValue?.first?["result_type"] == "ticket")
            let open = try await zd.get("/api/v2/search.json?query=type:ticket%20status:open")
            #expect(open.json["results"]?.arrayValue?.allSatisfy { $0["status"] == "open" } == true)
            let beyond = try await zd.get("/api/v2/search.json?query=type:ticket&page=11&per_page=100")
            #expect(beyond.status == 422)
            let exported = try await zd.followingLinksNext(
                "/api/v2/search/export.json?query=type:ticket&filter[type]=ticket&page[size]=100", key: "results")
            #expect(exported.items.count == 1500)
        }
    }

    @Test func bulkImportRoundTrip() async throws {
        try await withSandbox { zd async throws in
            let body: JSONValue = [
                "tickets": [
                    [
                        "subject": "Imported A", "status": "closed", "created_at": "2020-01-01T10:00:00Z", "updated_at": "2020-01-02T10:00:00Z",
                        "requester_id": 10_000_000_020,
                        "comments": [["body": "first", "created_at": "2020-01-01T10:00:00Z"], ["body": "second", "public": false]],
                    ],
                    ["subject": "Imported B", "comment": ["body": "only"], "requester_id": 10_000_000_021],
                ]
            ]
            let job = try await zd.post("/api/v2/imports/tickets/create_many.json", body)
            #expect(job.status == 200)
            let id = try #require(job.json["job_status"]?["id"]?.stringValue)
            #expect(job.json["job_status"]?["status"] == "queued")
            #expect(try await zd.get("/api/v2/job_statuses/\(id).json").json["job_status"]?["status"] == "working")
            let done = try await zd.get("/api/v2/job_statuses/\(id).json")
            #expect(done.json["job_status"]?["status"] == "completed")
            let ids = done.json["job_status"]?["results"]?.arrayValue?.compactMap { $0["id"]?.numberValue } ?? []
            #expect(ids == [251, 252])
            let a = try await zd.get("/api/v2/tickets/251.json").json["ticket"]!
            #expect(a["created_at"] == "2020-01-01T10:00:00Z" && a["status"] == "closed" && a["subject"] == "Imported A")
            #expect(try await zd.get("/api/v2/tickets/251/comments.json").json["comments"]?.arrayValue?.map { $0["body"]! } == ["first", "second"])
            let tooMany = try await zd.post(
                "/api/v2/imports/tickets/create_many.json",
                ["tickets": .array(Array(repeating: ["subject": "x", "comment": ["body": "y"]], count: 101))])
            #expect(tooMany.status == 400)
        }
    }

    @Test func triggersNotifySignedWebhooks() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await withSandbox { zd async throws in
                let hook = try await zd.post(
                    "/api/v2/webhooks",
                    [
                        "webhook": [
                            "name": "sync", "endpoint": .string(url + "/zd"), "http_method": "POST", "request_format": "json", "status": "active",
                            "subscriptions": ["conditional_ticket_events"],
                        ]
                    ])
                #expect(hook.status == 201)
                let hookId = try #require(hook.json["webhook"]?["id"]?.stringValue)
                let secret = try #require(
                    try await zd.get("/api/v2/webhooks/\(hookId)/signing_secret").json["signing_secret"]?["secret"]?.stringValue)
                let trigger = try await zd.post(
                    "/api/v2/triggers.json",
                    [
                        "trigger": [
                            "title": "Notify on change",
                            "conditions": ["all": [["field": "update_type", "operator": "is", "value": "Change"]], "any": []],
                            "actions": [
                                [
                                    "field": "notification_webhook",
                                    "value": [.string(hookId), "{\"ticket_id\": \"{{ticket.id}}\", \"status\": \"{{ticket.status}}\"}"],
                                ]
                            ],
                        ]
                    ])
                #expect(trigger.status == 201)
                _ = try await zd.post("/api/v2/tickets.json", ["ticket": ["subject": "created, not changed", "comment": ["body": "x"]]])
                _ = try await zd.put("/api/v2/tickets/9.json", ["ticket": ["status": "pending"]])
                let deliveries = receiver.deliveries
                #expect(deliveries.count == 1)
                let d = try #require(deliveries.first)
                #expect(try JSONParser.parse(d.body) == ["ticket_id": "9", "status": "pending"])
                let timestamp = try #require(d.headers["x-zendesk-webhook-signature-timestamp"])
                let expected = Data(
                    HMAC<SHA256>.authenticationCode(for: Data((timestamp + d.body).utf8), using: SymmetricKey(data: Data(secret.utf8)))
                ).base64EncodedString()
                #expect(d.headers["x-zendesk-webhook-signature"] == expected)
                #expect(d.headers["x-zendesk-webhook-id"] == hookId)
            }
        }
    }
}

@Suite struct SandboxConfigurationTests {
    @Test func absoluteURLsUseThePublicBase() async throws {
        try await withSandbox {
            $0.publicBaseURL = "https://acme.zendesk.com"
        } _: { zd async throws in
            let page = try await zd.get("/api/v2/tickets.json?page[size]=2")
            #expect(page.json["links"]?["next"]?.stringValue?.hasPrefix("https://acme.zendesk.com/api/v2/tickets.json?page%5Bafter%5D=") == true)
            #expect(page.json["tickets"]?.arrayValue?.first?["url"] == "https://acme.zendesk.com/api/v2/tickets/1.json")
            let export = try await zd.get("/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1")
            #expect(
                export.json["after_url"]?.stringValue?.hasPrefix("https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=") == true)
        }
    }

    @Test func latencyIsAdded() async throws {
        try await withSandbox {
            $0.latencyMs = 150
        } _: { zd async throws in
            let clock = ContinuousClock()
            let elapsed = try await clock.measure { _ = try await zd.get("/api/v2/tickets/1.json") }
            #expect(elapsed >= .milliseconds(150))
        }
    }

    /// Records are generated on demand: a million-ticket world serves its last ticket, its count and its newest
    /// export page having generated only the tickets it served (the render cache's warmer is off here, so nothing
    /// else generates any). (Start-up time is measured by `syncbridge bench sandbox`, not asserted here.)
    @Test func largeWorldsAreServedLazily() async throws {
        try await withSandbox({
            $0.tickets = 1_000_000
            $0.renderCacheMiB = 0
        }) { zd async throws in
            let last = try await zd.get("/api/v2/tickets/1000000.json")
            #expect(last.json["ticket"]?["id"] == 1_000_000)
            #expect(try await zd.get("/api/v2/tickets/count.json").json["count"]?["value"] == 1_000_000)
            let updated = try #require(last.json["ticket"]?["updated_at"]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0) })
            let tail = try await zd.get(
                "/api/v2/incremental/tickets/cursor.json?start_time=\(Int(updated.timeIntervalSince1970) - 300)&per_page=1000")
            #expect(tail.json["tickets"]?.arrayValue?.last?["id"] == 1_000_000)
            #expect(tail.json["end_of_stream"] == true)
            let served = 1 + (tail.json["tickets"]?.arrayValue?.count ?? 0)
            let generated = try await zd.get("/__sandbox/stats").json["tickets_generated"]?.numberValue
            #expect(generated == Double(served), "generated as read: the ticket shown and the export page's")
        }
    }
}

import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Every Zendesk resource and method, unified and proxy, against the sandbox: a list returns exactly the provider's
/// records (all pages), a get returns the one record asked for.
@Suite struct ResourceCoverageTests {
    struct Case: Sendable, CustomTestStringConvertible {
        /// The live API path (`unified/ticketing/users` or `proxy/tickets`).
        let path: String
        /// Extra query for the list.
        let query: String
        /// The sandbox list whose records the list must return, and their key.
        let truth: String
        let key: String
        /// Whether the resource has `get` (it is asked for the list's second record).
        let hasGet: Bool
        var testDescription: String { path }
    }

    static let cases: [Case] = [
        Case(path: "unified/ticketing/users", query: "", truth: "/api/v2/users.json?role%5B%5D=agent&role%5B%5D=admin", key: "users", hasGet: true),
        Case(path: "unified/ticketing/contacts", query: "", truth: "/api/v2/users.json?role=end-user", key: "users", hasGet: true),
        Case(path: "unified/ticketing/tickets", query: "", truth: "/api/v2/tickets.json", key: "tickets", hasGet: true),
        Case(path: "unified/ticketing/comments", query: "&ticket_id=9", truth: "/api/v2/tickets/9/comments.json", key: "comments", hasGet: false),
        Case(path: "proxy/tickets", query: "", truth: "/api/v2/tickets.json", key: "tickets", hasGet: true),
        Case(path: "proxy/users", query: "", truth: "/api/v2/users.json", key: "users", hasGet: true),
        Case(path: "proxy/organizations", query: "", truth: "/api/v2/organizations.json", key: "organizations", hasGet: true),
        Case(path: "proxy/ticket_comments", query: "&ticket_id=9", truth: "/api/v2/tickets/9/comments.json", key: "comments", hasGet: false),
    ]

    static func id(_ v: JSONValue?) -> String? {
        if let n = v?.numberValue { return String(Int64(n)) }
        return v?.stringValue
    }

    @Test(arguments: cases)
    func listAndGet(_ c: Case) async throws {
        try await withEngine(.sqlite, tickets: 150, engineRunning: false) { h in
            let account = try await h.account()
            var ids: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let url = "/\(c.path)?integrated_account_id=\(account)\(c.query)" + (cursor.map { "&next_cursor=\($0)" } ?? "")
                let r = try await h.api.request(.GET, url)
                #expect(r.status == 200, "\(r.json.jsonString())")
                ids += (r.json["result"]?.arrayValue ?? []).compactMap { Self.id($0["id"]) }
                cursor = r.json["next_cursor"]?.stringValue
                pages += 1
            } while cursor != nil && pages < 20
            let truth = try await h.zendeskAll(c.truth, key: c.key).compactMap { Self.id($0["id"]) }
            #expect(!truth.isEmpty)
            #expect(ids == truth)

            let getId = truth.count > 1 ? truth[1] : "1"
            let r = try await h.api.request(.GET, "/\(c.path)/\(getId)?integrated_account_id=\(account)\(c.query)")
            if c.hasGet {
                #expect(r.status == 200, "\(r.json.jsonString())")
                #expect(Self.id(r.json["id"]) == getId)
            } else {
                // Comments have no single-record endpoint in Zendesk: a clear refusal, not a guess.
                #expect(r.status == 404, "\(r.json.jsonString())")
                #expect(r.json["code"] == "unsupported_resource")
            }
        }
    }

    /// OAuth accounts (`context.access_token`) call Zendesk with a Bearer token; the sandbox accepts only its own.
    @Test func oauthBearerAccounts() async throws {
        try await withEngine(.sqlite, tickets: 20, engineRunning: false) { h in
            func account(_ token: String) async throws -> String {
                let r = try await h.api.request(
                    .POST, "/integrated-account",
                    json: [
                        "integration_name": "zendesk", "tenant_id": "oauth",
                        "context": ["base_url": .string(h.sandboxURL), "access_token": .string(token)],
                    ]
                )
                return try #require(r.string("id"))
            }
            let good = try await h.api.request(.GET, "/unified/ticketing/tickets/3?integrated_account_id=\(try await account("sandbox-oauth-token"))")
            #expect(good.status == 200)
            #expect(good.json["id"] == "3")
            let bad = try await h.api.request(.GET, "/unified/ticketing/tickets/3?integrated_account_id=\(try await account("stolen"))")
            #expect(bad.status == 502)
            #expect(bad.json["code"] == "remote_unauthorized")
            let log = try await h.zendesk(.GET, "/__sandbox/stats")["log"]?.arrayValue ?? []
            #expect(log.suffix(2).map { $0["status"] } == [200, 401])
        }
    }
}

import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// `GET /unified/…` and `GET /proxy/…` answer from the provider through the connectors, in Truto's shape.
@Suite struct LiveAPITests {
    func get(_ h: EngineHarness, _ path: String) async throws -> (Int, JSONValue) {
        let r = try await h.api.request(.GET, path)
        return (r.status, r.json)
    }

    @Test func unifiedListPagesThroughEveryTicket() async throws {
        try await withEngine(.sqlite, tickets: 230, engineRunning: false) { h in
            let account = try await h.account()
            var ids: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let path = "/unified/ticketing/tickets?integrated_account_id=\(account)" + (cursor.map { "&next_cursor=\($0)" } ?? "")
                let (status, page) = try await get(h, path)
                #expect(status == 200, "\(page.jsonString())")
                let result = page["result"]?.arrayValue ?? []
                #expect(page["result_count"]?.numberValue == Double(result.count))
                #expect(page["prev_cursor"] == .null)
                ids += result.compactMap { $0["id"]?.stringValue }
                cursor = page["next_cursor"]?.stringValue
                pages += 1
            } while cursor != nil && pages < 10
            let truth = try await h.zendeskAll("/api/v2/tickets.json", key: "tickets").map { String(Int($0["id"]!.numberValue!)) }
            #expect(ids == truth)
            #expect(pages == 3)
        }
    }

    /// Live cursors are sealed for the environment, account and resource: a cursor made up by hand (here the
    /// connector's own unsealed encoding of `/api/v2/users/me.json`), or one taken from `ticketing/tickets` to
    /// `ticketing/users` or to another account, is a 400 and reaches no provider.
    @Test func liveCursorsWorkOnlyWhereTheyWereIssued() async throws {
        try await withEngine(.sqlite, tickets: 230, engineRunning: false) { h in
            let account = try await h.account()
            let other = try await h.account()
            let (_, first) = try await get(h, "/unified/ticketing/tickets?integrated_account_id=\(account)")
            let cursor = try #require(first["next_cursor"]?.stringValue)
            let forged = Data("/api/v2/users/me.json".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            let before = try await h.zendesk(.GET, "/__sandbox/stats")["requests_total"]
            for path in [
                "/unified/ticketing/tickets?integrated_account_id=\(account)&next_cursor=\(forged)",
                "/unified/ticketing/users?integrated_account_id=\(account)&next_cursor=\(cursor)",
                "/unified/ticketing/tickets?integrated_account_id=\(other)&next_cursor=\(cursor)",
            ] {
                let (status, body) = try await get(h, path)
                #expect(status == 400, "\(path)")
                #expect(body["details"]?["failures"]?.arrayValue?.first?["path"] == "next_cursor", "\(path)")
            }
            #expect(try await h.zendesk(.GET, "/__sandbox/stats")["requests_total"] == before, "no provider request was made")
            let (status, _) = try await get(h, "/unified/ticketing/tickets?integrated_account_id=\(account)&next_cursor=\(cursor)")
            #expect(status == 200)
        }
    }

    /// A ticket, a comment, a user and a contact, mapped exactly (golden records built from the raw objects).
    @Test func unifiedRecordsMapTheRawObjects() async throws {
        try await withEngine(.sqlite, tickets: 20, engineRunning: false) { h in
            let account = try await h.account()
            let raw = try await h.zendesk(.GET, "/api/v2/tickets/7.json")["ticket"]!
            let (status, ticket) = try await get(h, "/unified/ticketing/tickets/7?integrated_account_id=\(account)")
            #expect(status == 200)
            let expected: JSONValue = [
                "id": "7", "number": "7", "name": raw["subject"]!, "description": raw["description"]!,
                "status": ["id": raw["status"]!, "name": raw["status"]!], "priority": raw["priority"]!, "type": raw["type"]!,
                "assignees": raw["assignee_id"]!.isNull ? [] : [["id": .string(String(Int(raw["assignee_id"]!.numberValue!)))]],
                "created_by": ["id": .string(String(Int(raw["submitter_id"]!.numberValue!)))],
                "contact": ["id": .string(String(Int(raw["requester_id"]!.numberValue!)))],
                "tags": raw["tags"]!, "ticket_url": .string("\(h.sandboxURL)/agent/tickets/7"),
                "created_at": raw["created_at"]!, "updated_at": raw["updated_at"]!,
                "etag": .string("7:\(raw["updated_at"]!.stringValue!)"), "remote_data": raw,
            ]
            #expect(ticket == expected, "\(ticket.jsonString())")

            let (_, comments) = try await get(h, "/unified/ticketing/comments?integrated_account_id=\(account)&ticket_id=7")
            let rawComment = try await h.zendesk(.GET, "/api/v2/tickets/7/comments.json")["comments"]!.arrayValue!.first!
            let comment = try #require(comments["result"]?.arrayValue?.first)
            #expect(comment["id"]?.stringValue == String(Int(rawComment["id"]!.numberValue!)))
            #expect(comment["body"] == (rawComment["plain_body"] ?? rawComment["body"]))
            #expect(comment["ticket"] == ["id": "7"])
            #expect(comment["is_private"] == .bool(!(rawComment["public"]?.boolValue ?? true)))
            #expect(comment["remote_data"] == rawComment)

            let (_, users) = try await get(h, "/unified/ticketing/users?integrated_account_id=\(account)")
            let user = try #require(users["result"]?.arrayValue?.first)
            let rawUser = try await h.zendesk(.GET, "/api/v2/users/\(user["id"]!.stringValue!).json")["user"]!
            #expect(["agent", "admin"].contains(rawUser["role"]?.stringValue ?? ""))
            #expect(user["name"] == rawUser["name"])
            #expect(user["emails"] == [["email": rawUser["email"]!, "is_primary": true]])
            #expect(user["roles"]?.arrayValue?.first?["id"] == rawUser["role"])

            let (_, contacts) = try await get(h, "/unified/ticketing/contacts?integrated_account_id=\(account)&truto_ignore_remote_data=true")
            let contact = try #require(contacts["result"]?.arrayValue?.first)
            let rawContact = try await h.zendesk(.GET, "/api/v2/users/\(contact["id"]!.stringValue!).json")["user"]!
            #expect(rawContact["role"] == "end-user")
            #expect(contact["remote_data"] == nil, "truto_ignore_remote_data drops remote_data")
            #expect(
                contact["account_id"]
                    == (rawContact["organization_id"]!.isNull ? .null : .string(String(Int(rawContact["organization_id"]!.numberValue!)))))
        }
    }

    @Test func proxyReturnsProviderObjectsAndFiltersWork() async throws {
        try await withEngine(.sqlite, tickets: 30, engineRunning: false) { h in
            let account = try await h.account()
            let (status, list) = try await get(h, "/proxy/tickets?integrated_account_id=\(account)")
            #expect(status == 200)
            let rawTickets = try await h.zendeskAll("/api/v2/tickets.json", key: "tickets")
            #expect(list["result"] == .array(rawTickets))
            let (_, one) = try await get(h, "/proxy/tickets/5?integrated_account_id=\(account)")
            #expect(one == rawTickets.first { $0["id"]?.numberValue == 5 })

            let stamps = rawTickets.compactMap { $0["updated_at"]?.stringValue }.sorted()
            let since = stamps[stamps.count / 2]
            let (_, changed) = try await get(h, "/unified/ticketing/tickets?integrated_account_id=\(account)&updated_at%5Bgt%5D=\(since)")
            let got = Set(changed["result"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
            let expected = Set(rawTickets.filter { ($0["updated_at"]?.stringValue ?? "") > since }.map { String(Int($0["id"]!.numberValue!)) })
            #expect(got == expected)
        }
    }

    @Test func errorsAreClear() async throws {
        try await withEngine(.sqlite, tickets: 5, engineRunning: false) { h in
            let account = try await h.account()
            let (missing, m) = try await get(h, "/unified/ticketing/tickets")
            #expect(missing == 422)
            #expect(m["code"] == "validation_failed")
            #expect(failureLines(m) == ["integrated_account_id: is required: the id of the integrated account to call"])
            let (unknown, u) = try await get(h, "/unified/ticketing/widgets?integrated_account_id=\(account)")
            #expect(unknown == 404)
            #expect(u["code"] == "unsupported_resource")
            let (absent, a) = try await get(h, "/unified/ticketing/tickets/999999?integrated_account_id=\(account)")
            #expect(absent == 404)
            #expect(a["code"] == "remote_not_found")
        }
    }
}

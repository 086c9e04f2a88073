import Foundation
import SyncBridgeCore

extension ZendeskConnector {
    /// The Zendesk call behind a request.
    func plan(_ request: ConnectorRequest, baseURL: String) throws(ConnectorError) -> ZendeskPlan {
        let size = ZendeskPlan.pageSize
        let q = request.query
        switch (request.resource, request.method) {
        case ("ticketing/users", "list"), ("ticketing/contacts", "list"):
            let agents = request.resource == "ticketing/users"
            let map: @Sendable (JSONValue) -> JSONValue = agents ? ZendeskUnified.user : ZendeskUnified.contact
            let isWanted: @Sendable (JSONValue) -> Bool = { u in
                let role = u["role"]?.stringValue ?? "end-user"
                return agents ? role != "end-user" : role == "end-user"
            }
            if let window = try UpdatedWindow(q["updated_at"]) {
                return ZendeskPlan(
                    path:
                        "/api/v2/incremental/users/cursor.json?start_time=\(window.startTime(now: clock.now()))&per_page=\(ZendeskPlan.exportPageSize)",
                    key: "users", paging: .incremental, keep: { isWanted($0) && window.contains($0) }, map: map
                )
            }
            let roles = agents ? "role[]=agent&role[]=admin" : "role=end-user"
            return ZendeskPlan(path: "/api/v2/users.json?\(roles)&page[size]=\(size)", key: "users", paging: .cursor, keep: isWanted, map: map)
        case ("ticketing/users", "get"), ("ticketing/contacts", "get"):
            let map: @Sendable (JSONValue) -> JSONValue = request.resource == "ticketing/users" ? ZendeskUnified.user : ZendeskUnified.contact
            return ZendeskPlan(path: "/api/v2/users/\(try recordId(request)).json", key: "user", paging: .single, map: map)
        case ("ticketing/tickets", "list"):
            let map: @Sendable (JSONValue) -> JSONValue = { ZendeskUnified.ticket($0, baseURL: baseURL) }
            if let window = try UpdatedWindow(q["updated_at"]) {
                return ZendeskPlan(
                    path:
                        "/api/v2/incremental/tickets/cursor.json?start_time=\(window.startTime(now: clock.now()))&per_page=\(ZendeskPlan.exportPageSize)",
                    key: "tickets", paging: .incremental, keep: window.contains, map: map
                )
            }
            return ZendeskPlan(path: "/api/v2/tickets.json?page[size]=\(size)", key: "tickets", paging: .cursor, map: map)
        case ("ticketing/tickets", "get"):
            let map: @Sendable (JSONValue) -> JSONValue = { ZendeskUnified.ticket($0, baseURL: baseURL) }
            return ZendeskPlan(path: "/api/v2/tickets/\(try recordId(request)).json", key: "ticket", paging: .single, map: map)
        case ("ticketing/comments", "list"):
            let ticket = try ticketId(q)
            return ZendeskPlan(
                path: "/api/v2/tickets/\(ticket)/comments.json?page[size]=\(size)", key: "comments", paging: .cursor,
                map: { ZendeskUnified.comment($0, ticketId: ticket) }
            )
        case ("organizations", "list") where q["ids"] != nil:
            // `ids` (comma-separated or an array, ≤ 100): Zendesk's show_many, one call for a page's organizations.
            let ids = try idList(q["ids"]!)
            return ZendeskPlan(path: "/api/v2/organizations/show_many.json?ids=\(ids.joined(separator: ","))", key: "organizations", paging: .cursor)
        case ("tickets", "list"), ("users", "list"), ("organizations", "list"):
            return ZendeskPlan(
                path: "/api/v2/\(request.resource).json?\(passThrough(q))page[size]=\(size)", key: request.resource, paging: .cursor
            )
        case ("tickets", "get"), ("users", "get"), ("organizations", "get"):
            return ZendeskPlan(
                path: "/api/v2/\(request.resource)/\(try recordId(request)).json", key: String(request.resource.dropLast()), paging: .single
            )
        case ("ticket_comments", "list"):
            return ZendeskPlan(path: "/api/v2/tickets/\(try ticketId(q))/comments.json?page[size]=\(size)", key: "comments", paging: .cursor)
        default:
            let known = resources.contains(request.resource)
            throw ConnectorError(
                .unsupported,
                message: known
                    ? "zendesk resource '\(request.resource)' has no method '\(request.method)'"
                    : "zendesk has no resource '\(request.resource)'"
            )
        }
    }

    /// A numeric record id (Zendesk ids are integers); anything else would address another path.
    func recordId(_ request: ConnectorRequest) throws(ConnectorError) -> String {
        guard let id = request.id, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw ConnectorError(.invalidRequest, message: "id '\(request.id ?? "")' is not a Zendesk id")
        }
        return id
    }

    /// Up to 100 numeric ids, from `"1,2,3"` or `[1, "2", 3]`.
    func idList(_ value: JSONValue) throws(ConnectorError) -> [String] {
        let raw: [String]
        switch value {
        case .string(let s): raw = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case .array(let a): raw = a.compactMap { ZendeskUnified.id($0).stringValue }
        default: raw = []
        }
        guard !raw.isEmpty, raw.count <= 100, raw.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
            throw ConnectorError(.invalidRequest, message: "query.ids must list 1 to 100 Zendesk ids")
        }
        return raw
    }

    /// `ticket_id`, `ticket[id]`, or `ticket: {id}` from the query.
    func ticketId(_ q: [String: JSONValue]) throws(ConnectorError) -> String {
        let raw = q["ticket_id"] ?? q["ticket[id]"] ?? q["ticket"]?["id"]
        let id = ZendeskUnified.id(raw).stringValue ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw ConnectorError(.invalidRequest, message: "query.ticket_id is required and must be a Zendesk ticket id")
        }
        return id
    }

    /// Proxy lists pass scalar query parameters through (`role=agent&`), except SyncBridge's own.
    func passThrough(_ q: [String: JSONValue]) -> String {
        var out = ""
        for key in q.keys.sorted() where !key.hasPrefix("truto_") && !key.hasPrefix("page") {
            let value: String
            switch q[key]! {
            case .string(let s): value = s
            case .number(let n): value = JSONValue.format(number: n)
            case .integer(let i): value = String(i)
            case .bool(let b): value = b ? "true" : "false"
            default: continue
            }
            let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?"))
            out +=
                "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)&"
        }
        return out
    }
}

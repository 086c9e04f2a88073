import Foundation
import Logging
import SyncBridgeCore

/// Zendesk Support: unified ticketing (`ticketing/users`, `contacts`, `tickets`, `comments`) and proxy resources
/// (`tickets`, `users`, `organizations`, `ticket_comments`), list and get.
///
/// Lists use cursor pagination at the largest page size; `ticketing/tickets` and `ticketing/users|contacts` with an
/// `updated_at` condition use the incremental cursor exports (1,000 per page), filtered exactly to the condition.
public struct ZendeskConnector: Connector {
    public let integrationName = "zendesk"
    public var descriptor: IntegrationDescriptor { .zendesk }
    let client: ProviderClient
    let clock: any WallClock

    /// Creates the connector on a provider client.
    public init(client: ProviderClient, clock: any WallClock = SystemWallClock()) {
        self.client = client
        self.clock = clock
    }

    /// Exports leave out the last 60 seconds of changes, and timestamps have whole seconds.
    public var changeVisibilityLag: TimeInterval { 61 }

    public var resources: [String] {
        ["ticketing/users", "ticketing/contacts", "ticketing/tickets", "ticketing/comments", "tickets", "users", "organizations", "ticket_comments"]
    }

    /// Tickets, users and contacts with an `updated_at` condition read the incremental exports.
    public func pollsIncrementally(resource: String, method: String, query: JSONValue?) -> Bool {
        guard method == "list", ["ticketing/tickets", "ticketing/users", "ticketing/contacts"].contains(resource) else { return false }
        switch query {
        case .object(let o)?: return o["updated_at"] != nil
        case .string(let source)?: return source.contains("updated_at")
        default: return false
        }
    }

    public func fetch(_ request: ConnectorRequest, account: ConnectorAccount, logger: Logger) async throws(ConnectorError) -> ConnectorPage {
        let zendesk = try ZendeskAccount(account)
        let plan = try plan(request, baseURL: zendesk.baseURL)
        let cursor = try request.cursor.map { c throws(ConnectorError) in try ZendeskCursor.decode(c) }
        let path = cursor?.path ?? plan.path
        let display = "GET \(path)"
        let answer = try await client.json(
            url: zendesk.baseURL + path, headers: zendesk.headers, display: display, budget: zendesk.budget(path), logger: logger)
        let dropRemote = request.query["truto_ignore_remote_data"].map { $0 == .bool(true) || $0 == .string("true") } ?? false
        func shape(_ raw: JSONValue) -> JSONValue {
            var mapped = plan.map(raw)
            if dropRemote, case .object(var o) = mapped {
                o["remote_data"] = nil
                mapped = .object(o)
            }
            return mapped
        }
        switch plan.paging {
        case .single:
            guard let item = answer[plan.key], case .object = item else {
                throw ConnectorError(.badResponse, message: "answer has no '\(plan.key)' object", request: display)
            }
            return ConnectorPage(records: [shape(item)], nextCursor: nil)
        case .cursor, .incremental:
            guard let items = answer[plan.key]?.arrayValue else {
                throw ConnectorError(.badResponse, message: "answer has no '\(plan.key)' array", request: display)
            }
            guard plan.paging == .incremental else {
                return ConnectorPage(records: items.filter(plan.keep).map(shape), nextCursor: next(answer, paging: plan.paging))
            }
            // Exports: drop what an earlier page already returned, remember how far this page went.
            var last = cursor?.after
            var records: [JSONValue] = []
            for item in items {
                let position = ExportPosition(item)
                if let position, let last, position <= last { continue }
                if let position { last = position }
                if plan.keep(item) { records.append(shape(item)) }
            }
            let poll = answer["after_url"]?.stringValue.flatMap { ZendeskCursor.encode($0, after: last) }
            return ConnectorPage(records: records, nextCursor: next(answer, paging: .incremental, after: last), pollCursor: poll)
        }
    }

    /// The next page's cursor, or nil on the last page.
    func next(_ answer: JSONValue, paging: ZendeskPlan.Paging, after: ExportPosition? = nil) -> String? {
        switch paging {
        case .single: return nil
        case .cursor:
            guard answer["meta"]?["has_more"]?.boolValue == true, let url = answer["links"]?["next"]?.stringValue else { return nil }
            return ZendeskCursor.encode(url)
        case .incremental:
            guard answer["end_of_stream"]?.boolValue == false, let url = answer["after_url"]?.stringValue else { return nil }
            return ZendeskCursor.encode(url, after: after)
        }
    }
}

import Foundation
import SyncBridgeCore

/// Which of Zendesk's rate limits a request counts against. Every Support API request counts against the account's
/// limit (200–2,500 a minute by plan); endpoint limits apply on top of it: the incremental exports (10 a minute, 30
/// with High Volume) and List Tickets (`zendesk-ratelimit-tickets-index`, learned from its header). OAuth token grants
/// are not API requests and spend nothing.
enum ZendeskRateLimits {
    /// List Tickets' own limit, named as its `zendesk-ratelimit-tickets-index` header names it.
    static let ticketsIndex = EndpointClass(rawValue: "tickets-index")

    /// The endpoint classes of a request path (`/api/v2/…`, with or without a query).
    static func classes(path: String) -> [EndpointClass] {
        let route = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        if route.hasPrefix("/api/v2/incremental/") { return [.incrementalExports] }
        if route == "/api/v2/tickets.json" || route == "/api/v2/tickets" { return [ticketsIndex] }
        return []
    }
}

extension ZendeskAccount {
    /// What a request to `path` spends of this account's budget.
    func budget(_ path: String) -> RequestBudgetKey {
        RequestBudgetKey(account: id, classes: ZendeskRateLimits.classes(path: path))
    }
}

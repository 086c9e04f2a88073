import Foundation
import JSONCore

/// Ticket activity: `/tickets/{id}/audits`, `/ticket_audits` (account-wide, newest first, `cursor` + `limit`),
/// `/tickets/{id}/metrics`, `/ticket_metrics[/{id}]`.
struct ActivityRoutes: Sendable {
    let context: RouteContext

    var state: SandboxState { context.state }
    var r: SandboxRequest { context.request }

    /// `GET /tickets/{id}/audits`: one audit per comment, oldest first, in both paginations.
    func ticketAudits(_ id: Int64) throws(SandboxError) -> SandboxResponse {
        let (ticket, comments) = state.read { ($0.world.ticket(id), $0.world.comments(ticket: id)) }
        guard let ticket else { throw SandboxError.notFound() }
        return try Pagination.pageByPosition(r, key: "audits", base: context.base, count: comments.count) { position, w in
            comments[position - 1].writeAudit(to: &w, ticket: ticket, first: position == 1)
        }
    }

    /// `GET /ticket_audits?limit=&cursor=`: every ticket's audits, newest first. `before_url` leads to older audits
    /// (null once a page comes back empty), `after_url` to newer ones.
    func allAudits() throws(SandboxError) -> SandboxResponse {
        let limit = min(r.int("limit") ?? 1000, 1000)
        guard limit >= 1 else { throw SandboxError.invalid("limit must be a positive integer") }
        var position = TimelineIndex.Entry(ts: Int64.max, id: Int64.max)
        var newer = false
        if let cursor = r.query["cursor"] {
            guard let decoded = ActivityCursor.decode(cursor) else { throw SandboxError.invalid("cursor is not valid") }
            (position, newer) = (decoded.entry, decoded.newer)
        }
        let world = state.read { $0.world }
        let entries: [TimelineIndex.Entry]
        if newer {
            entries = state.timeline.after(.audits, position, limit: limit, cutoff: .max, world: world).reversed()
        } else {
            entries = state.timeline.before(.audits, position, limit: limit, world: world)
        }
        var w = JSONWriter(capacity: 256 * 1024)
        w.beginObject()
        w.key("audits")
        w.beginArray()
        for entry in entries { Self.writeAudit(entry, world: world, to: &w) }
        w.endArray()
        let url = "\(context.base)/api/v2/ticket_audits.json?limit=\(limit)&cursor="
        if let oldest = entries.last {
            w.field("before_timestamp", oldest.ts)
            w.field("before_url", url + Pagination.escape(ActivityCursor.encode(oldest, newer: false)))
        } else {
            w.key("before_timestamp")
            w.null()
            w.key("before_url")
            w.null()
        }
        if let newest = entries.first {
            w.field("after_timestamp", newest.ts)
            w.field("after_url", url + Pagination.escape(ActivityCursor.encode(newest, newer: true)))
        } else {
            w.key("after_timestamp")
            w.null()
            w.key("after_url")
            w.null()
        }
        w.endObject()
        return .json(w)
    }

    /// Writes the audit an index entry stands for.
    static func writeAudit(_ entry: TimelineIndex.Entry, world: World, to w: inout JSONWriter) {
        guard let audit = world.audit(entry.id) else { return }
        audit.comment.writeAudit(to: &w, ticket: audit.ticket, first: audit.first)
    }

    /// `GET /tickets/{id}/metrics`.
    func ticketMetrics(_ id: Int64) throws(SandboxError) -> SandboxResponse {
        let (ticket, comments) = state.read { ($0.world.ticket(id), $0.world.comments(ticket: id)) }
        guard let ticket else { throw SandboxError.notFound() }
        var w = JSONWriter()
        w.beginObject()
        w.key("ticket_metric")
        ticket.writeMetric(to: &w, comments: comments, base: context.base)
        w.endObject()
        return .json(w)
    }

    /// `GET /ticket_metrics` (one per live ticket, by ticket id, both paginations) and `/ticket_metrics/{id}`.
    func metrics() throws(SandboxError) -> SandboxResponse {
        let world = state.read { $0.world }
        let s = context.segments
        if s.count == 2 {
            guard let id = Int64(s[1]), id > TicketActivity.metricBase else { throw SandboxError.notFound() }
            return try ticketMetrics(id - TicketActivity.metricBase)
        }
        guard s.count == 1 else { throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found") }
        return try Pagination.page(
            r, key: "ticket_metrics", base: context.base, total: { world.liveTicketCount },
            ids: { after, limit in world.ticketIds(after: after, limit: limit) },
            idsBefore: { before, limit in world.ticketIds(before: before, limit: limit) },
            item: { id, w in
                guard let t = world.ticket(id) else { return }
                t.writeMetric(to: &w, comments: world.comments(ticket: id), base: context.base)
            }
        )
    }
}

/// The position cursor of account-wide activity lists: time, id and direction, base64-encoded.
enum ActivityCursor {
    static func encode(_ e: TimelineIndex.Entry, newer: Bool) -> String {
        Data("\(newer ? "a" : "b"):\(e.ts):\(e.id)".utf8).base64EncodedString()
    }

    static func decode(_ s: String) -> (entry: TimelineIndex.Entry, newer: Bool)? {
        guard let data = Data(base64Encoded: s), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 3, parts[0] == "a" || parts[0] == "b", let ts = Int64(parts[1]), let id = Int64(parts[2]) else { return nil }
        return (TimelineIndex.Entry(ts: ts, id: id), parts[0] == "a")
    }
}

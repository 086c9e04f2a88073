import JSONCore

/// The activity exports: `/incremental/ticket_events` (audits as ticket events; `include=comment_events` adds the
/// comments, which is how Airbyte reads comments) and `/incremental/ticket_metric_events` (time-based, or cursor
/// paginated with `page[size]` as Airbyte asks for it). Items in the recent window are held back, as for every export.
struct ActivityExportRoutes: Sendable {
    let context: RouteContext
    let cutoff: Int64

    var incremental: IncrementalRoutes { IncrementalRoutes(context: context) }
    var r: SandboxRequest { context.request }

    func ticketEvents() throws(SandboxError) -> SandboxResponse {
        let start = try incremental.startTime(cutoff: cutoff)
        let limit = try incremental.perPage()
        let world = context.state.read { $0.world }
        let entries = context.state.timeline.after(.audits, .init(ts: start - 1, id: .max), limit: limit, cutoff: cutoff, world: world)
        let commentEvents = (r.query["include"] ?? "").split(separator: ",").contains("comment_events")
        return timePage(key: "ticket_events", path: "incremental/ticket_events.json", start: start, limit: limit, entries: entries) { entry, w in
            guard let audit = world.audit(entry.id) else { return }
            audit.comment.writeTicketEvent(to: &w, ticket: audit.ticket, first: audit.first, commentEvents: commentEvents)
        }
    }

    func ticketMetricEvents() throws(SandboxError) -> SandboxResponse {
        let world = context.state.read { $0.world }
        let write = { (entry: TimelineIndex.Entry, w: inout JSONWriter) -> Void in
            let ticketId = TicketActivity.ticket(ofMetricEvent: entry.id).ticket
            world.metricEvents(ofTicket: ticketId).first { $0.id == entry.id }?.write(to: &w)
        }
        guard r.query["page[size]"] != nil || r.query["page[after]"] != nil else {
            let start = try incremental.startTime(cutoff: cutoff, refuseRecent: false)
            let limit = try incremental.perPage()
            let entries = context.state.timeline.after(.metricEvents, .init(ts: start - 1, id: .max), limit: limit, cutoff: cutoff, world: world)
            return timePage(
                key: "ticket_metric_events", path: "incremental/ticket_metric_events.json", start: start, limit: limit, entries: entries, write)
        }
        let size = try Pagination.pageSize(r)
        let position: TimelineIndex.Entry
        if let after = r.query["page[after]"] {
            guard let decoded = ActivityCursor.decode(after), decoded.newer else {
                throw SandboxError(status: 400, error: "InvalidPaginationParameter", description: "page[after] is not a valid cursor")
            }
            position = decoded.entry
        } else {
            position = .init(ts: try incremental.startTime(cutoff: cutoff, refuseRecent: false) - 1, id: .max)
        }
        var entries = context.state.timeline.after(.metricEvents, position, limit: size + 1, cutoff: cutoff, world: world)
        let more = entries.count > size
        if more { entries.removeLast() }
        var w = JSONWriter(capacity: 64 * 1024)
        w.beginObject()
        w.key("ticket_metric_events")
        w.beginArray()
        for entry in entries { write(entry, &w) }
        w.endArray()
        let after = entries.last.map { ActivityCursor.encode($0, newer: true) }
        let before = entries.first.map { ActivityCursor.encode($0, newer: false) }
        w.key("meta")
        w.beginObject()
        w.field("has_more", more)
        w.field("after_cursor", after)
        w.field("before_cursor", before)
        w.endObject()
        let url = "\(context.base)/api/v2/incremental/ticket_metric_events.json?page%5Bsize%5D=\(size)"
        w.key("links")
        w.beginObject()
        w.field("next", more ? after.map { url + "&page%5Bafter%5D=" + Pagination.escape($0) } : nil)
        w.key("prev")
        w.null()
        w.endObject()
        w.endObject()
        return .json(w)
    }

    /// A time-based page: the items under `key`, closed as every time-based export's page is.
    func timePage(
        key: String, path: String, start: Int64, limit: Int, entries: [TimelineIndex.Entry],
        _ write: (TimelineIndex.Entry, inout JSONWriter) -> Void
    ) -> SandboxResponse {
        var w = JSONWriter(capacity: 256 * 1024)
        w.beginObject()
        w.key(key)
        w.beginArray()
        for entry in entries { write(entry, &w) }
        w.endArray()
        return incremental.closeTimePage(&w, path: path, count: entries.count, end: entries.last?.ts ?? start, limit: limit)
    }
}

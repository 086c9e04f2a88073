import Foundation
import JSONCore

/// `/incremental/…`: cursor-based exports of tickets and users, time-based exports of tickets, users and
/// organizations. Items are ordered by (timestamp, id); items changed in the last `recentWindow` seconds are held
/// back, as Zendesk does.
struct IncrementalRoutes: Sendable {
    let context: RouteContext

    var r: SandboxRequest { context.request }

    /// One exportable collection: generated records (timestamps ascending with the index) plus the change log.
    struct Source {
        let key: String
        let generatedCount: Int
        let generatedKey: (Int) -> (ts: Int64, id: Int64)
        let changes: ChangeLog
        let write: (Int64, inout JSONWriter) -> Void
        /// Side-loaded collections asked for with `include=` (`metric_sets`, `identities`), written after the items.
        var sideload: ((_ ids: [Int64], inout JSONWriter) -> Void)? = nil

        /// A response object opened with the items under the collection's key; the caller adds the rest.
        func page(_ items: [(ts: Int64, id: Int64)]) -> JSONWriter {
            var w = JSONWriter(capacity: 512 * 1024)
            w.beginObject()
            w.key(key)
            w.beginArray()
            for item in items { write(item.id, &w) }
            w.endArray()
            sideload?(items.map(\.id), &w)
            return w
        }

        /// Items strictly after `cursor` (or at/after `since` when `inclusive`), up to `limit`, none newer than `cutoff`.
        func items(after cursor: (ts: Int64, id: Int64), limit: Int, cutoff: Int64) -> [(ts: Int64, id: Int64)] {
            var out: [(ts: Int64, id: Int64)] = []
            // Generated part: binary search for the first key after the cursor.
            var lo = 0
            var hi = generatedCount
            while lo < hi {
                let mid = (lo + hi) / 2
                let k = generatedKey(mid)
                if k.ts < cursor.ts || (k.ts == cursor.ts && k.id <= cursor.id) { lo = mid + 1 } else { hi = mid }
            }
            var i = lo
            while out.count < limit && i < generatedCount {
                let k = generatedKey(i)
                if k.ts > cutoff { return out }
                if !changes.contains(k.id) { out.append(k) }
                i += 1
            }
            var j = changes.firstIndex(after: cursor)
            while out.count < limit && j < changes.entries.count {
                let e = changes.entries[j]
                if e.ts > cutoff { break }
                out.append(e)
                j += 1
            }
            return out
        }
    }

    func source(_ name: String) -> Source? {
        let (world, base) = context.state.read { ($0.world, context.base) }
        let state = context.state
        let g = world.generator
        let include = Set((r.query["include"] ?? "").split(separator: ",").map(String.init))
        switch name {
        case "tickets":
            // `include=metric_sets`: each ticket gets its `metric_set`, and the page a `metric_sets` list.
            let metricSets = include.contains("metric_sets")
            return Source(
                key: "tickets", generatedCount: g.ticketCount,
                generatedKey: { i in (g.ticketTimestamp(index: i), Int64(i + 1)) }, changes: world.ticketChanges,
                write: { id, w in
                    guard metricSets else { return state.writeTicket(id, world: world, export: true, base: base, to: &w) }
                    guard let t = world.exportedTicket(id) else { return }
                    guard t.status != "deleted" else { return t.write(to: &w, base: base, export: true) }
                    t.write(to: &w, base: base, export: true) { w in
                        w.key("metric_set")
                        t.writeMetric(to: &w, comments: world.comments(ticket: id), base: base)
                    }
                },
                sideload: metricSets
                    ? { ids, w in
                        w.key("metric_sets")
                        w.beginArray()
                        for id in ids { world.ticket(id)?.writeMetric(to: &w, comments: world.comments(ticket: id), base: base) }
                        w.endArray()
                    } : nil
            )
        case "users":
            return Source(
                key: "users", generatedCount: g.userCount,
                generatedKey: { i in (g.timestamp(40, index: i, count: g.userCount), Generator.userBase + Int64(i)) }, changes: world.userChanges,
                write: { id, w in world.user(id)?.write(to: &w, base: base) },
                sideload: include.contains("identities")
                    ? { ids, w in
                        w.key("identities")
                        w.beginArray()
                        for id in ids { world.user(id)?.writeIdentities(to: &w, base: base) }
                        w.endArray()
                    } : nil
            )
        case "organizations":
            return Source(
                key: "organizations", generatedCount: g.organizationCount,
                generatedKey: { i in (g.timestamp(30, index: i, count: g.organizationCount), Generator.organizationBase + Int64(i)) },
                changes: world.organizationChanges, write: { id, w in world.organization(id)?.write(to: &w, base: base) }
            )
        default:
            return nil
        }
    }

    func handle() throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        let window = Int64(context.state.read { $0.settings.recentWindow })
        let cutoff = context.now - window
        if s.count == 3, s[2] == "cursor", ["tickets", "users"].contains(s[1]), let source = source(s[1]) {
            return try cursorExport(source, path: "incremental/\(s[1])/cursor.json", cutoff: cutoff)
        }
        if s.count == 2, s[1] == "ticket_events" { return try ActivityExportRoutes(context: context, cutoff: cutoff).ticketEvents() }
        if s.count == 2, s[1] == "ticket_metric_events" { return try ActivityExportRoutes(context: context, cutoff: cutoff).ticketMetricEvents() }
        if s.count == 2, let source = source(s[1]) {
            return try timeExport(source, path: "incremental/\(s[1]).json", cutoff: cutoff)
        }
        throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
    }

    /// The request's `start_time`, read as Zendesk reads it (``SandboxRequest/leadingInteger(_:)``). One later than
    /// the recent window's start is refused with 422 by the ticket, user, organization and ticket-event exports;
    /// the metric-event export (`refuseRecent: false`) answers it with what it has, which is how tap-zendesk's
    /// discovery probes it (`start_time` = now). One before 1970 is 1970: nothing is older, and the exports count back
    /// from it (`start - 1`), which must not overflow.
    func startTime(cutoff: Int64, refuseRecent: Bool = true) throws(SandboxError) -> Int64 {
        guard let start = r.epoch("start_time") else { throw SandboxError.invalid("start_time is required") }
        if start > context.now {
            throw SandboxError(status: 400, error: "InvalidValue", description: "start_time cannot be in the future")
        }
        if refuseRecent && start > cutoff {
            throw SandboxError(
                status: 422, error: "InvalidValue", description: "Too recent start_time. Use a start_time older than \(context.now - cutoff) seconds")
        }
        return max(0, start)
    }

    func perPage() throws(SandboxError) -> Int {
        let n = min(r.int("per_page") ?? 1000, 1000)
        guard n >= 1 else { throw SandboxError.invalid("per_page must be a positive integer") }
        return n
    }

    static func encodeCursor(_ k: (ts: Int64, id: Int64)) -> String {
        Data("\(k.ts).0||\(k.id)|".utf8).base64EncodedString()
    }

    /// The position an export cursor names; nil for anything else, a time past Int64's range (`1e300`) included.
    static func decodeCursor(_ s: String) -> (ts: Int64, id: Int64)? {
        guard let data = Data(base64Encoded: s), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.components(separatedBy: "||")
        guard parts.count == 2, let seconds = Double(parts[0]), seconds.isFinite, let ts = Int64(exactly: seconds.rounded(.down)),
            let id = Int64(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "|")))
        else {
            return nil
        }
        return (ts, id)
    }

    func cursorExport(_ source: Source, path: String, cutoff: Int64) throws(SandboxError) -> SandboxResponse {
        let position: (ts: Int64, id: Int64)
        if let c = r.query["cursor"] {
            guard let decoded = Self.decodeCursor(c) else { throw SandboxError.invalid("cursor is not valid") }
            position = decoded
        } else {
            position = (try startTime(cutoff: cutoff) - 1, Int64.max)
        }
        let limit = try perPage()
        var items = source.items(after: position, limit: limit + 1, cutoff: cutoff)
        let more = items.count > limit
        if more { items.removeLast() }
        // With `export_overlap` set, the next page starts that many items back, as flaky exports repeat records.
        let overlap = context.state.read { $0.settings.exportOverlap }
        let anchor = overlap > 0 && items.count > overlap ? items[items.count - 1 - overlap] : items.last
        let after = Self.encodeCursor(anchor ?? position)
        var w = source.page(items)
        w.field("after_url", "\(context.base)/api/v2/\(path)?cursor=\(Pagination.escape(after))\(carriedParameters)")
        w.field("after_cursor", after)
        w.key("before_url")
        w.null()
        w.key("before_cursor")
        w.null()
        w.field("end_of_stream", !more)
        w.endObject()
        return .json(w)
    }

    func timeExport(_ source: Source, path: String, cutoff: Int64) throws(SandboxError) -> SandboxResponse {
        let start = try startTime(cutoff: cutoff)
        let limit = try perPage()
        let items = source.items(after: (start - 1, Int64.max), limit: limit, cutoff: cutoff)
        var w = source.page(items)
        return closeTimePage(&w, path: path, count: items.count, end: items.last?.ts ?? start, limit: limit)
    }

    /// `&per_page=…&include=…` as the request gave them: what a next-page URL carries on.
    var carriedParameters: String {
        (r.query["per_page"].map { "&per_page=\($0)" } ?? "") + (r.query["include"].map { "&include=\(Pagination.escape($0))" } ?? "")
    }

    /// Closes a time-based export page: `count`, `end_time` (the last item's time, so the next page repeats the items
    /// of that second as Zendesk's does), `next_page` (never null) and `end_of_stream`.
    func closeTimePage(_ w: inout JSONWriter, path: String, count: Int, end: Int64, limit: Int) -> SandboxResponse {
        w.field("count", Int64(count))
        w.field("end_time", end)
        w.field("next_page", "\(context.base)/api/v2/\(path)?start_time=\(end)\(carriedParameters)")
        w.field("end_of_stream", count < limit)
        w.endObject()
        return .json(w)
    }
}

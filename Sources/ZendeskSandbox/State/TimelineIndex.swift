import Synchronization

/// Account-wide, time-ordered streams of ticket activity — audits and metric events — as `/ticket_audits`,
/// `/incremental/ticket_events` and `/incremental/ticket_metric_events` serve them.
///
/// A generated ticket's activity falls anywhere in its life (up to 30 days), so its account-wide order does not follow
/// the ticket order. The first request for a stream sorts the generated part once (16 bytes an entry; about two
/// seconds for a million tickets) and keeps it; activity of created or changed tickets is merged in per query.
final class TimelineIndex: Sendable {
    enum Stream: Sendable, Hashable { case audits, metricEvents }

    /// One entry: when, and the id (which names the ticket).
    struct Entry: Sendable, Comparable {
        var ts: Int64
        var id: Int64
        static func < (a: Entry, b: Entry) -> Bool { (a.ts, a.id) < (b.ts, b.id) }
    }

    private let built = Mutex<[Stream: [Entry]]>([:])

    /// The sorted generated entries of a stream, built on first use.
    func generated(_ stream: Stream, _ g: Generator) -> [Entry] {
        built.withLock { cache in
            if let entries = cache[stream] { return entries }
            var entries: [Entry] = []
            entries.reserveCapacity(g.ticketCount * (stream == .audits ? g.commentsPerTicket : 3))
            for id in stride(from: Int64(1), through: Int64(g.ticketCount), by: 1) {
                let t = g.ticket(id: id)
                let comments = g.comments(of: t)
                switch stream {
                case .audits: for c in comments { entries.append(Entry(ts: c.createdAt, id: c.id + TicketActivity.auditOffset)) }
                case .metricEvents: for e in TicketActivity.metricEvents(t, comments: comments) { entries.append(Entry(ts: e.time, id: e.id)) }
                }
            }
            entries.sort()
            cache[stream] = entries
            return entries
        }
    }

    /// Entries of live tickets strictly after `position` (ascending), at most `limit`, none later than `cutoff`.
    func after(_ stream: Stream, _ position: Entry, limit: Int, cutoff: Int64, world: World) -> [Entry] {
        let generated = generated(stream, world.generator)
        let overlay = Self.overlay(stream, world: world)
        var i = Self.firstIndex(in: generated) { $0 > position }
        var j = Self.firstIndex(in: overlay) { $0 > position }
        var out: [Entry] = []
        while out.count < limit {
            let next: Entry
            if i < generated.count && (j >= overlay.count || generated[i] < overlay[j]) {
                next = generated[i]
                i += 1
                guard Self.live(next, stream, world: world) else { continue }
            } else if j < overlay.count {
                next = overlay[j]
                j += 1
            } else {
                break
            }
            if next.ts > cutoff { break }
            out.append(next)
        }
        return out
    }

    /// Entries of live tickets strictly before `position`, newest first, at most `limit`.
    func before(_ stream: Stream, _ position: Entry, limit: Int, world: World) -> [Entry] {
        let generated = generated(stream, world.generator)
        let overlay = Self.overlay(stream, world: world)
        var i = Self.firstIndex(in: generated) { $0 >= position } - 1
        var j = Self.firstIndex(in: overlay) { $0 >= position } - 1
        var out: [Entry] = []
        while out.count < limit {
            if i >= 0 && (j < 0 || overlay[j] < generated[i]) {
                let next = generated[i]
                i -= 1
                if Self.live(next, stream, world: world) { out.append(next) }
            } else if j >= 0 {
                out.append(overlay[j])
                j -= 1
            } else {
                break
            }
        }
        return out
    }

    /// The ticket an entry belongs to.
    static func ticket(of entry: Entry, _ stream: Stream) -> Int64 {
        switch stream {
        case .audits: TicketActivity.ticket(ofComment: entry.id - TicketActivity.auditOffset)
        case .metricEvents: TicketActivity.ticket(ofMetricEvent: entry.id).ticket
        }
    }

    /// Generated entries of deleted tickets are skipped. (Metric events of generated tickets stay those of the
    /// generated ticket: changes through the API add comments, hence audits, but no new SLA events.)
    static func live(_ e: Entry, _ stream: Stream, world: World) -> Bool {
        !world.deletedTickets.contains(ticket(of: e, stream))
    }

    /// Activity recorded since start: comments added through the API, metric events of created tickets.
    static func overlay(_ stream: Stream, world: World) -> [Entry] {
        var out: [Entry] = []
        switch stream {
        case .audits:
            for (ticket, comments) in world.comments where !world.deletedTickets.contains(ticket) {
                for c in comments { out.append(Entry(ts: c.createdAt, id: c.id + TicketActivity.auditOffset)) }
            }
        case .metricEvents:
            for id in world.tickets.keys where !world.generatedTicketRange.contains(id) || world.generator.ticketCount == 0 {
                guard !world.deletedTickets.contains(id) else { continue }
                for e in world.metricEvents(ofTicket: id) { out.append(Entry(ts: e.time, id: e.id)) }
            }
        }
        return out.sorted()
    }

    static func firstIndex(in entries: [Entry], where predicate: (Entry) -> Bool) -> Int {
        var lo = 0
        var hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if predicate(entries[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

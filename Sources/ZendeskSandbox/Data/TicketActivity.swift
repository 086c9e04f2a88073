/// What happens on a ticket over its life besides its own fields: audits (one per comment; the first also creates the
/// ticket) and SLA metric events. Both are derived from the ticket and its comments, so they cost nothing to keep.
///
/// Ids: audit = comment id + 1,000,000,000 (as comments' `audit_id` say); ticket metric = `50_000_000_000 + ticket`;
/// metric event `e` of a ticket = `60_000_000_000 + ticket × 10 + e`.
enum TicketActivity {
    static let auditOffset: Int64 = 1_000_000_000
    static let metricBase: Int64 = 50_000_000_000
    static let metricEventBase: Int64 = 60_000_000_000

    /// One SLA metric event (`/incremental/ticket_metric_events`).
    struct MetricEvent: Sendable, Equatable {
        var id: Int64
        var ticketId: Int64
        var metric: String
        var type: String
        var time: Int64
    }

    /// The ticket whose comment this is.
    static func ticket(ofComment id: Int64) -> Int64 { (id - Generator.commentBase) / 1000 }

    /// The ticket of a metric event id, and the event's index.
    static func ticket(ofMetricEvent id: Int64) -> (ticket: Int64, index: Int) {
        ((id - metricEventBase) / 10, Int((id - metricEventBase) % 10))
    }

    /// The metric events of a ticket: work and reply clocks start when it is created, the reply clock stops at the
    /// first comment by someone other than the requester, the work clock when the ticket is solved or closed.
    static func metricEvents(_ t: Ticket, comments: [Comment]) -> [MetricEvent] {
        func event(_ index: Int64, _ metric: String, _ type: String, _ time: Int64) -> MetricEvent {
            MetricEvent(id: metricEventBase + t.id * 10 + index, ticketId: t.id, metric: metric, type: type, time: time)
        }
        var out = [event(0, "agent_work_time", "activate", t.createdAt), event(1, "reply_time", "activate", t.createdAt)]
        if let reply = comments.first(where: { $0.authorId != t.requesterId }) {
            out.append(event(2, "reply_time", "fulfill", max(t.createdAt, reply.createdAt)))
        }
        if t.status == "solved" || t.status == "closed" {
            out.append(event(3, "agent_work_time", "fulfill", max(t.createdAt, t.updatedAt)))
        }
        return out
    }
}

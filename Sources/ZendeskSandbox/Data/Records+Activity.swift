import Foundation
import JSONCore

/// Zendesk's JSON shapes for ticket activity: audits, ticket events, ticket metrics and metric events, identities.
extension Comment {
    var auditId: Int64 { id + TicketActivity.auditOffset }

    /// The comment as an event inside an audit.
    func writeEvent(to w: inout JSONWriter) {
        w.beginObject()
        writeEventFields(to: &w)
        w.endObject()
    }

    func writeEventFields(to w: inout JSONWriter) {
        w.field("id", id)
        w.field("type", "Comment")
        w.field("author_id", authorId)
        w.field("body", body)
        w.field("html_body", htmlBody)
        w.field("plain_body", body)
        w.field("public", isPublic)
        w.key("attachments")
        w.beginArray()
        w.endArray()
        w.field("audit_id", auditId)
    }

    var htmlBody: String { "<div class=\"zd-comment\" dir=\"auto\"><p>\(body.replacingOccurrences(of: "<", with: "&lt;"))</p></div>" }

    /// The audit that recorded this comment (`/tickets/{id}/audits`, `/ticket_audits`). The ticket's first audit also
    /// carries the `Create` events of its fields.
    func writeAudit(to w: inout JSONWriter, ticket: Ticket, first: Bool) {
        w.beginObject()
        w.field("id", auditId)
        w.field("ticket_id", ticketId)
        w.key("created_at")
        w.timestamp(seconds: createdAt)
        w.field("author_id", authorId)
        w.key("metadata")
        w.beginObject()
        w.key("system")
        w.beginObject()
        w.field("client", "Zendesk sandbox")
        w.key("ip_address")
        w.null()
        w.key("location")
        w.null()
        w.endObject()
        w.key("custom")
        w.beginObject()
        w.endObject()
        w.endObject()
        w.via(channel)
        w.key("events")
        w.beginArray()
        writeEvent(to: &w)
        if first { ticket.writeCreateEvents(to: &w, audit: auditId, withVia: false) }
        w.endArray()
        w.endObject()
    }

    /// The audit as `/incremental/ticket_events` lists it; `commentEvents` (`include=comment_events`) adds the
    /// comment as a child event.
    func writeTicketEvent(to w: inout JSONWriter, ticket: Ticket, first: Bool, commentEvents: Bool) {
        w.beginObject()
        w.field("id", auditId)
        w.field("ticket_id", ticketId)
        w.field("timestamp", createdAt)
        w.key("created_at")
        w.timestamp(seconds: createdAt)
        w.field("updater_id", authorId)
        w.field("via", channel)
        w.key("system")
        w.beginObject()
        w.field("client", "Zendesk sandbox")
        w.key("location")
        w.null()
        w.endObject()
        w.field("event_type", "Audit")
        w.key("merged_ticket_ids")
        w.beginArray()
        w.endArray()
        w.key("child_events")
        w.beginArray()
        if commentEvents {
            w.beginObject()
            w.field("id", id)
            w.field("via", channel)
            w.key("via_reference_id")
            w.null()
            w.field("comment_present", true)
            w.field("comment_public", isPublic)
            w.field("event_type", "Comment")
            w.field("body", body)
            w.field("html_body", htmlBody)
            w.field("public", isPublic)
            w.key("attachments")
            w.beginArray()
            w.endArray()
            w.field("author_id", authorId)
            w.key("created_at")
            w.timestamp(seconds: createdAt)
            w.endObject()
        }
        if first { ticket.writeCreateEvents(to: &w, audit: auditId, withVia: true) }
        w.endArray()
        w.endObject()
    }
}

extension Ticket {
    /// The `Create` events of a new ticket's fields.
    func writeCreateEvents(to w: inout JSONWriter, audit: Int64, withVia: Bool) {
        let fields: [(String, String?)] = [
            ("subject", subject), ("status", status), ("priority", priority), ("type", type), ("requester_id", String(requesterId)),
        ]
        for (index, (name, value)) in fields.enumerated() {
            w.beginObject()
            w.field("id", audit * 10 + Int64(index + 1))
            w.field(withVia ? "event_type" : "type", "Create")
            if withVia { w.field("via", channel) }
            w.field("field_name", name)
            w.field("value", value)
            w.endObject()
        }
    }

    var metricId: Int64 { TicketActivity.metricBase + id }

    /// The ticket's metrics (`/ticket_metrics`, `/tickets/{id}/metrics`, export side-load `metric_set`).
    func writeMetric(to w: inout JSONWriter, comments: [Comment], base: String) {
        let solved = status == "solved" || status == "closed"
        let reply = comments.first { $0.authorId != requesterId }
        let replies = comments.filter { $0.authorId != requesterId }.count
        let lastRequester = comments.last { $0.authorId == requesterId }?.createdAt
        func minutes(_ key: String, _ seconds: Int64?) {
            w.key(key)
            w.beginObject()
            w.field("calendar", seconds.map { max(0, $0) / 60 })
            w.field("business", seconds.map { max(0, $0) / 60 / 3 })
            w.endObject()
        }
        func time(_ key: String, _ t: Int64?) {
            w.key(key)
            if let t { w.timestamp(seconds: t) } else { w.null() }
        }
        w.beginObject()
        w.key("url")
        w.string(base + "/api/v2/ticket_metrics/", metricId, ".json")
        w.field("id", metricId)
        w.field("ticket_id", id)
        time("created_at", createdAt)
        time("updated_at", updatedAt)
        w.field("group_stations", groupId == nil ? 0 : 1)
        w.field("assignee_stations", assigneeId == nil ? 0 : 1)
        w.field("reopens", 0)
        w.field("replies", Int64(replies))
        time("assignee_updated_at", assigneeId == nil ? nil : updatedAt)
        time("requester_updated_at", lastRequester)
        time("status_updated_at", updatedAt)
        time("initially_assigned_at", assigneeId == nil ? nil : createdAt)
        time("assigned_at", assigneeId == nil ? nil : createdAt)
        time("solved_at", solved ? updatedAt : nil)
        time("latest_comment_added_at", comments.last?.createdAt)
        minutes("reply_time_in_minutes", reply.map { $0.createdAt - createdAt })
        minutes("first_resolution_time_in_minutes", solved ? updatedAt - createdAt : nil)
        minutes("full_resolution_time_in_minutes", solved ? updatedAt - createdAt : nil)
        minutes("agent_wait_time_in_minutes", 0)
        minutes("requester_wait_time_in_minutes", solved ? 0 : nil)
        minutes("on_hold_time_in_minutes", 0)
        w.endObject()
    }
}

extension TicketActivity.MetricEvent {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("ticket_id", ticketId)
        w.field("metric", metric)
        w.field("instance_id", 1)
        w.field("type", type)
        w.key("time")
        w.timestamp(seconds: time)
        w.endObject()
    }
}

extension User {
    /// The user's identities: the e-mail address (primary), and the phone number when there is one.
    func writeIdentities(to w: inout JSONWriter, base: String) {
        let identities: [(Int64, String, String)] = [(id * 10 + 1, "email", email)] + (phone.map { [(id * 10 + 2, "phone_number", $0)] } ?? [])
        for (index, (identityId, type, value)) in identities.enumerated() {
            w.beginObject()
            w.key("url")
            w.string(base + "/api/v2/users/\(id)/identities/", identityId, ".json")
            w.field("id", identityId)
            w.field("user_id", id)
            w.field("type", type)
            w.field("value", value)
            w.field("verified", true)
            w.field("primary", index == 0)
            w.key("created_at")
            w.timestamp(seconds: createdAt)
            w.key("updated_at")
            w.timestamp(seconds: updatedAt)
            w.field("undeliverable_count", 0)
            w.field("deliverable_state", "deliverable")
            w.endObject()
        }
    }
}

import Foundation
import JSONCore
import SyncBridgeCore

/// Reads the `ticket` object of create, update and import requests onto a ticket, as Zendesk validates it.
enum TicketInput {
    static let statuses: Set<String> = ["new", "open", "pending", "hold", "solved", "closed"]
    static let priorities: Set<String> = ["low", "normal", "high", "urgent"]
    static let types: Set<String> = ["problem", "incident", "question", "task"]

    static func invalid(_ field: String, _ message: String) -> SandboxError {
        SandboxError(
            status: 422, error: "RecordInvalid", description: "Record validation errors",
            details: .object([field: [["description": .string(message), "error": "InvalidValue"]]])
        )
    }

    /// Applies the fields present in `o` to `t`.
    static func apply(_ o: [String: JSONValue], to t: inout Ticket, world: World) throws(SandboxError) {
        if let v = o["subject"]?.stringValue { t.subject = v }
        if let v = o["status"]?.stringValue {
            guard statuses.contains(v) else { throw invalid("status", "Status: \(v) is not valid") }
            t.status = v
        }
        if let v = o["priority"] {
            if v.isNull {
                t.priority = nil
            } else if let p = v.stringValue, priorities.contains(p) {
                t.priority = p
            } else {
                throw invalid("priority", "Priority: is not valid")
            }
        }
        if let v = o["type"] {
            if v.isNull {
                t.type = nil
            } else if let p = v.stringValue, types.contains(p) {
                t.type = p
            } else {
                throw invalid("type", "Type: is not valid")
            }
        }
        if let v = o["tags"]?.arrayValue { t.tags = v.compactMap(\.stringValue) }
        if let v = o["external_id"] { t.externalId = v.stringValue }
        if let requester = o["requester_id"] {
            guard let v = requester.integerValue, let u = world.user(v) else { throw invalid("requester_id", "Requester: is invalid") }
            t.requesterId = u.id
            t.submitterId = u.id
            t.organizationId = u.organizationId
        }
        if let v = o["submitter_id"]?.integerValue { t.submitterId = v }
        if let v = o["assignee_id"] {
            if v.isNull {
                t.assigneeId = nil
            } else if let id = v.integerValue, let u = world.user(id), u.role != "end-user" {
                t.assigneeId = u.id
            } else {
                throw invalid("assignee_id", "Assignee: is not an agent")
            }
        }
        if let v = o["group_id"]?.integerValue { t.groupId = v }
        if let v = o["organization_id"]?.integerValue { t.organizationId = v }
        if let fields = (o["custom_fields"] ?? o["fields"])?.arrayValue {
            for f in fields {
                guard let id = f["id"]?.integerValue else { continue }
                let value = f["value"].flatMap { $0.isNull ? String?.none : ($0.stringValue ?? $0.jsonString()) }
                if let i = t.customFields.firstIndex(where: { $0.id == id }) {
                    t.customFields[i].value = value
                } else {
                    t.customFields.append((id, value))
                }
            }
        }
    }

    /// A new ticket with defaults, for create and import.
    static func blank(id: Int64, now: Int64, requester: User) -> Ticket {
        Ticket(
            id: id, type: nil, subject: "", description: "", priority: nil, status: "new", requesterId: requester.id,
            submitterId: requester.id, assigneeId: nil, organizationId: requester.organizationId, groupId: nil, tags: [],
            customFields: Generator.customFieldIds.map { ($0, nil) }, channel: "api", externalId: nil, createdAt: now, updatedAt: now,
            generatedTimestamp: now
        )
    }

    /// The text of a `comment` object (`body`, `html_body` or `value`).
    static func commentBody(_ c: JSONValue) -> String? {
        c["body"]?.stringValue ?? c["value"]?.stringValue ?? c["html_body"]?.stringValue
    }
}

extension World {
    /// Appends a comment to a ticket.
    mutating func addComment(ticket: Int64, author: Int64, body: String, isPublic: Bool, at: Int64) -> Comment {
        var existing = comments[ticket] ?? []
        let generatedCount = generatedTicketRange.contains(ticket) && generator.ticketCount > 0 ? generator.commentCount(ticket: ticket) : 0
        let k = Int64(generatedCount + existing.count)
        let c = Comment(
            id: Generator.commentBase + ticket * 1000 + k, ticketId: ticket, authorId: author, body: body, isPublic: isPublic, channel: "api",
            createdAt: at)
        existing.append(c)
        comments[ticket] = existing
        return c
    }

    /// Creates a ticket from a `ticket` object (create or import). Imports may set timestamps and many comments.
    mutating func createTicket(_ o: [String: JSONValue], now: Int64, importing: Bool) throws(SandboxError) -> Ticket {
        let requesterId = o["requester_id"]?.integerValue ?? (Generator.userBase)
        guard let requester = user(requesterId) else { throw TicketInput.invalid("requester_id", "Requester: is invalid") }
        var t = TicketInput.blank(id: nextTicketId, now: now, requester: requester)
        try TicketInput.apply(o, to: &t, world: self)
        var bodies: [(author: Int64, body: String, isPublic: Bool, at: Int64)] = []
        if let c = o["comment"], let body = TicketInput.commentBody(c) {
            bodies.append((c["author_id"]?.integerValue ?? requester.id, body, c["public"]?.boolValue ?? true, now))
        }
        if importing, let list = o["comments"]?.arrayValue {
            for c in list {
                guard let body = TicketInput.commentBody(c) else { continue }
                let at = c["created_at"]?.stringValue.flatMap(SandboxTime.parse) ?? now
                bodies.append((c["author_id"]?.integerValue ?? requester.id, body, c["public"]?.boolValue ?? true, at))
            }
        }
        if let d = o["description"]?.stringValue, bodies.isEmpty { bodies.append((requester.id, d, true, now)) }
        guard let first = bodies.first else { throw TicketInput.invalid("description", "Description: cannot be blank") }
        t.description = first.body
        if t.subject.isEmpty { t.subject = String(first.body.prefix(60)) }
        if importing {
            if let c = o["created_at"]?.stringValue.flatMap(SandboxTime.parse) { t.createdAt = c }
            if let u = o["updated_at"]?.stringValue.flatMap(SandboxTime.parse) {
                t.updatedAt = u
            } else {
                t.updatedAt = max(t.createdAt, t.updatedAt)
            }
        } else if t.status == "new" && t.assigneeId != nil {
            t.status = "open"
        }
        nextTicketId += 1
        store(t)
        for b in bodies { _ = addComment(ticket: t.id, author: b.author, body: b.body, isPublic: b.isPublic, at: b.at) }
        return t
    }
}

/// Timestamps in requests: ISO-8601 with or without fractions or offsets.
enum SandboxTime {
    static func parse(_ s: String) -> Int64? {
        Timestamp.parse(s).map { Int64($0.timeIntervalSince1970) }
    }
}

import Foundation
import JSONCore
import SyncBridgeCore

/// `/tickets…`: list, show, show_many, count, comments; create, update, update_many, delete, create_many.
struct TicketRoutes: Sendable {
    let context: RouteContext
    let notifier: WebhookNotifier

    var state: SandboxState { context.state }
    var r: SandboxRequest { context.request }

    func handle() async throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        switch (context.method, s.count) {
        case ("GET", 1): return try list()
        case ("GET", 2) where s[1] == "count":
            let n = state.read { $0.world.liveTicketCount }
            return .json(["count": ["value": .number(Double(n)), "refreshed_at": .string(Timestamp.formatSeconds(context.now))]])
        case ("GET", 2) where s[1] == "show_many": return try showMany()
        case ("GET", 2): return try show(context.id(1))
        case ("GET", 3) where s[2] == "comments": return try comments(context.id(1))
        case ("GET", 3) where s[2] == "audits": return try ActivityRoutes(context: context).ticketAudits(context.id(1))
        case ("GET", 3) where s[2] == "metrics": return try ActivityRoutes(context: context).ticketMetrics(context.id(1))
        case ("POST", 1): return try await create()
        case ("POST", 2) where s[1] == "create_many":
            return try await BulkRoutes(context: context, notifier: notifier).createMany(importing: false)
        case ("PUT", 2) where s[1] == "update_many": return try await updateMany()
        case ("PUT", 2): return try await update(context.id(1))
        case ("DELETE", 2): return try delete(context.id(1))
        default: throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
    }

    func write(_ t: Ticket, key: String = "ticket") -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.key(key)
        t.write(to: &w, base: context.base, export: false)
        w.endObject()
        return .json(w)
    }

    func list() throws(SandboxError) -> SandboxResponse {
        if let external = r.query["external_id"] {
            // `?external_id=`: the tickets carrying it, unpaginated, as Zendesk answers it.
            let found = state.read { s in (s.world.ticketsByExternalId[external] ?? []).sorted().compactMap { s.world.ticket($0) } }
            var w = JSONWriter()
            w.beginObject()
            w.key("tickets")
            w.beginArray()
            for t in found { t.write(to: &w, base: context.base, export: false) }
            w.endArray()
            w.key("next_page")
            w.null()
            w.key("previous_page")
            w.null()
            w.field("count", Int64(found.count))
            w.endObject()
            return .json(w)
        }
        let world = state.read { $0.world }
        return try Pagination.page(
            r, key: "tickets", base: context.base, total: { world.liveTicketCount },
            ids: { after, limit in world.ticketIds(after: after, limit: limit) },
            idsBefore: { before, limit in world.ticketIds(before: before, limit: limit) },
            item: { id, w in state.writeTicket(id, world: world, export: false, base: context.base, to: &w) }
        )
    }

    func show(_ id: Int64) throws(SandboxError) -> SandboxResponse {
        guard let t = state.read({ $0.world.ticket(id) }) else { throw SandboxError.notFound() }
        return write(t)
    }

    func showMany() throws(SandboxError) -> SandboxResponse {
        let ids = (r.query["ids"] ?? "").split(separator: ",").compactMap { Int64($0) }
        guard ids.count <= 100 else { throw SandboxError.invalid("ids: at most 100") }
        let tickets = state.read { s in ids.compactMap { s.world.ticket($0) } }
        var w = JSONWriter()
        w.beginObject()
        w.key("tickets")
        w.beginArray()
        for t in tickets { t.write(to: &w, base: context.base, export: false) }
        w.endArray()
        w.endObject()
        return .json(w)
    }

    func comments(_ id: Int64) throws(SandboxError) -> SandboxResponse {
        let (exists, list) = state.read { ($0.world.ticketExists(id), $0.world.comments(ticket: id)) }
        guard exists else { throw SandboxError.notFound() }
        let descending = r.query["sort_order"] == "desc"
        let ordered: [Comment] = descending ? list.reversed() : list
        return try Pagination.pageByPosition(r, key: "comments", base: context.base, count: ordered.count) { position, w in
            ordered[position - 1].write(to: &w)
        }
    }

    func create() async throws(SandboxError) -> SandboxResponse {
        guard let o = try r.json()["ticket"]?.objectValue else { throw SandboxError.invalid("Request body must contain a ticket object") }
        let t = try state.withLock { s throws(SandboxError) -> Ticket in
            try s.world.createTicket(o, now: s.changeTime(context.now), importing: false)
        }
        await notifier.ticketChanged(t, created: true, state: state, base: context.base)
        await notifier.ticketEvents(old: nil, new: t, comment: nil, state: state, now: context.now)
        let first = state.read { $0.world.comments(ticket: t.id).first }
        var w = JSONWriter()
        w.beginObject()
        w.key("ticket")
        t.write(to: &w, base: context.base, export: false)
        w.key("audit")
        if let first { first.writeAudit(to: &w, ticket: t, first: true) } else { Self.writeChangeAudit(old: nil, new: t, to: &w) }
        w.endObject()
        return .json(w, status: 201)
    }

    func update(_ id: Int64) async throws(SandboxError) -> SandboxResponse {
        guard let o = try r.json()["ticket"]?.objectValue else { throw SandboxError.invalid("Request body must contain a ticket object") }
        let (old, t, comment) = try state.withLock { s throws(SandboxError) -> (Ticket, Ticket, Comment?) in
            guard var t = s.world.ticket(id) else { throw SandboxError.notFound() }
            let old = t
            try Self.checkSafeUpdate(o, ticket: t)
            guard t.status != "closed" else { throw TicketInput.invalid("status", "Status: closed prevents ticket update") }
            try TicketInput.apply(o, to: &t, world: s.world)
            let at = s.changeTime(context.now)
            t.updatedAt = at
            t.generatedTimestamp = at
            s.world.store(t)
            var comment: Comment?
            if let c = o["comment"], let body = TicketInput.commentBody(c) {
                let author = c["author_id"]?.integerValue ?? Generator.userBase
                comment = s.world.addComment(ticket: id, author: author, body: body, isPublic: c["public"]?.boolValue ?? true, at: at)
            }
            return (old, t, comment)
        }
        await notifier.ticketChanged(t, created: false, state: state, base: context.base)
        await notifier.ticketEvents(old: old, new: t, comment: comment, state: state, now: context.now)
        var w = JSONWriter()
        w.beginObject()
        w.key("ticket")
        t.write(to: &w, base: context.base, export: false)
        w.key("audit")
        if let comment { comment.writeAudit(to: &w, ticket: t, first: false) } else { Self.writeChangeAudit(old: old, new: t, to: &w) }
        w.endObject()
        return .json(w)
    }

    /// `safe_update: true` with `updated_stamp` (the `updated_at` the client last saw): a ticket changed since then
    /// is not overwritten; Zendesk answers 409 UpdateConflict and the client fetches it again.
    static func checkSafeUpdate(_ o: [String: JSONValue], ticket t: Ticket) throws(SandboxError) {
        guard o["safe_update"]?.boolValue == true else { return }
        guard let stamp = o["updated_stamp"]?.stringValue, let seen = Timestamp.parse(stamp) else {
            throw TicketInput.invalid("updated_stamp", "Updated stamp: is required for a safe update")
        }
        if Int64(seen.timeIntervalSince1970) != t.updatedAt {
            throw SandboxError(
                status: 409, error: "UpdateConflict",
                description: "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again."
            )
        }
    }

    /// `PUT /tickets/update_many.json?ids=1,2,3` with one `ticket` change for all (≤ 100): applied at one instant, as
    /// one bulk job does, so the tickets share an `updated_at`. Answered with a job status.
    func updateMany() async throws(SandboxError) -> SandboxResponse {
        guard let o = try r.json()["ticket"]?.objectValue else { throw SandboxError.invalid("Request body must contain a ticket object") }
        let ids = (r.query["ids"] ?? "").split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        guard !ids.isEmpty else { throw SandboxError.invalid("ids: at least one ticket id is required") }
        guard ids.count <= 100 else {
            throw SandboxError(status: 400, error: "InvalidValue", description: "Too many tickets: at most 100 per request (got \(ids.count))")
        }
        let (job, changed) = state.read { s -> (JobStatus, [Ticket]) in
            let at = s.changeTime(context.now)
            var results: [JSONValue] = []
            var changed: [Ticket] = []
            for (i, id) in ids.enumerated() {
                do throws(SandboxError) {
                    guard var t = s.world.ticket(id) else { throw SandboxError.notFound() }
                    guard t.status != "closed" else { throw TicketInput.invalid("status", "Status: closed prevents ticket update") }
                    try TicketInput.apply(o, to: &t, world: s.world)
                    t.updatedAt = at
                    t.generatedTimestamp = at
                    s.world.store(t)
                    changed.append(t)
                    results.append(["index": .number(Double(i)), "id": .number(Double(id)), "action": "update", "success": true, "status": "Updated"])
                } catch {
                    results.append([
                        "index": .number(Double(i)), "id": .number(Double(id)), "error": .string(error.error),
                        "details": .string(error.description ?? ""),
                    ])
                }
            }
            let jobId = String(format: "%016llx%016llx", state.random.value(11, s.requestCount), state.random.value(12, s.requestCount))
            let job = JobStatus(id: jobId, jobType: "Bulk Update", total: ids.count, results: results)
            s.jobs[jobId] = job
            return (job, changed)
        }
        for t in changed { await notifier.ticketChanged(t, created: false, state: state, base: context.base) }
        return .json(["job_status": job.json(base: context.base)])
    }

    func delete(_ id: Int64) throws(SandboxError) -> SandboxResponse {
        try state.withLock { s throws(SandboxError) in
            guard var t = s.world.ticket(id) else { throw SandboxError.notFound() }
            let at = s.changeTime(context.now)
            t.updatedAt = at
            t.generatedTimestamp = at
            s.world.store(t)
            s.world.deletedTickets.insert(id)
        }
        return SandboxResponse(status: 204, body: [])
    }

    /// The audit of a change that added no comment: one `Change` event per field that changed. (Audits listed by
    /// `/tickets/{id}/audits` are those of comments; this one is only returned.)
    static func writeChangeAudit(old: Ticket?, new t: Ticket, to w: inout JSONWriter) {
        let id = 70_000_000_000 + t.generatedTimestamp % 1_000_000 * 1000 + t.id % 1000
        let fields: [(String, String?, String?)] = [
            ("subject", old?.subject, t.subject), ("status", old?.status, t.status), ("priority", old?.priority, t.priority),
            ("type", old?.type, t.type), ("assignee_id", old?.assigneeId.map(String.init), t.assigneeId.map(String.init)),
            ("tags", old.map { $0.tags.joined(separator: " ") }, t.tags.joined(separator: " ")),
        ]
        w.beginObject()
        w.field("id", id)
        w.field("ticket_id", t.id)
        w.key("created_at")
        w.timestamp(seconds: t.updatedAt)
        w.field("author_id", Generator.userBase)
        w.via("api")
        w.key("events")
        w.beginArray()
        for (index, (name, before, after)) in fields.enumerated() where old == nil || before != after {
            w.beginObject()
            w.field("id", id * 10 + Int64(index))
            w.field("type", old == nil ? "Create" : "Change")
            w.field("field_name", name)
            w.field("value", after)
            if old != nil { w.field("previous_value", before) }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}

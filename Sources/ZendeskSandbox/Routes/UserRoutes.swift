import Foundation
import JSONCore
import SyncBridgeCore

/// `/users…`: list (filter `role`), show, show_many, me; create, update, delete (deactivates).
struct UserRoutes: Sendable {
    let context: RouteContext
    var notifier: WebhookNotifier? = nil

    var state: SandboxState { context.state }
    var r: SandboxRequest { context.request }

    func handle() async throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        switch (context.method, s.count) {
        case ("GET", 1): return try list()
        case ("GET", 2) where s[1] == "me": return try show(Generator.userBase)
        case ("GET", 2) where s[1] == "show_many":
            let ids = (r.query["ids"] ?? "").split(separator: ",").compactMap { Int64($0) }
            let users = state.read { st in ids.compactMap { st.world.user($0) } }
            var w = JSONWriter()
            w.beginObject()
            w.key("users")
            w.beginArray()
            for u in users { u.write(to: &w, base: context.base) }
            w.endArray()
            w.endObject()
            return .json(w)
        case ("GET", 2): return try show(context.id(1))
        case ("GET", 3) where s[2] == "identities":
            guard let user = state.read({ $0.world.user(Int64(s[1]) ?? -1) }) else { throw SandboxError.notFound() }
            var w = JSONWriter()
            w.beginObject()
            w.key("identities")
            w.beginArray()
            user.writeIdentities(to: &w, base: context.base)
            w.endArray()
            w.key("next_page")
            w.null()
            w.key("previous_page")
            w.null()
            w.field("count", user.phone == nil ? 1 : 2)
            w.endObject()
            return .json(w)
        case ("POST", 1):
            let user = try create()
            await notifier?.event(
                "zen:event-type:user.created", subject: "zen:user:\(user.id)", detail: user.eventDetail, state: state, now: context.now)
            return write(user, status: 201)
        case ("PUT", 2) where s[1] == "update_many": return try updateMany()
        case ("PUT", 2): return try update(context.id(1))
        case ("DELETE", 2):
            let response = try update(context.id(1), deactivate: true)
            if let notifier, let user = state.read({ $0.world.user(Int64(s[1]) ?? -1) }) {
                await notifier.event(
                    "zen:event-type:user.deleted", subject: "zen:user:\(user.id)", detail: user.eventDetail, state: state, now: context.now)
            }
            return response
        default: throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
    }

    func write(_ u: User, status: Int = 200) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.key("user")
        u.write(to: &w, base: context.base)
        w.endObject()
        return .json(w, status: status)
    }

    func list() throws(SandboxError) -> SandboxResponse {
        let world = state.read { $0.world }
        let given = [r.query["role"], r.query["role[]"]].compactMap { $0 }.flatMap { $0.split(separator: ",").map(String.init) }
        let roles = Set(given)
        func matches(_ id: Int64) -> Bool { roles.isEmpty || world.user(id).map { roles.contains($0.role) } ?? false }
        let range = world.userIdRange
        return try Pagination.page(
            r, key: "users", base: context.base,
            total: { roles.isEmpty ? range.count : range.filter(matches).count },
            ids: { after, limit in World.ids(in: range, after: after, limit: limit, where: matches) },
            idsBefore: { before, limit in World.ids(in: range, before: before, limit: limit, where: matches) },
            item: { id, w in world.user(id)?.write(to: &w, base: context.base) }
        )
    }

    func show(_ id: Int64) throws(SandboxError) -> SandboxResponse {
        guard let u = state.read({ $0.world.user(id) }) else { throw SandboxError.notFound() }
        return write(u)
    }

    func create() throws(SandboxError) -> User {
        guard let o = try r.json()["user"]?.objectValue else { throw SandboxError.invalid("Request body must contain a user object") }
        guard let name = o["name"]?.stringValue, !name.isEmpty else { throw TicketInput.invalid("name", "Name: cannot be blank") }
        return state.read { s in s.world.createUser(o, name: name, at: s.changeTime(context.now)) }
    }

    func update(_ id: Int64, deactivate: Bool = false) throws(SandboxError) -> SandboxResponse {
        let o = deactivate ? [:] : (try r.json()["user"]?.objectValue ?? [:])
        let u = try state.withLock { s throws(SandboxError) -> User in
            guard var u = s.world.user(id) else { throw SandboxError.notFound() }
            Self.apply(o, to: &u)
            if deactivate { u.active = false }
            u.updatedAt = s.changeTime(context.now)
            s.world.store(u)
            return u
        }
        return write(u)
    }

    static func apply(_ o: [String: JSONValue], to u: inout User) {
        if let v = o["name"]?.stringValue { u.name = v }
        if let v = o["email"]?.stringValue { u.email = v }
        if let v = o["role"]?.stringValue { u.role = v }
        if let v = o["phone"] { u.phone = v.stringValue }
        if let v = o["organization_id"] { u.organizationId = v.integerValue }
        if let v = o["tags"]?.arrayValue { u.tags = v.compactMap(\.stringValue) }
        if let v = o["external_id"] { u.externalId = v.stringValue }
    }

    /// `PUT /users/update_many.json?ids=…` with one `user` change for all (≤ 100), applied at one instant; answered
    /// with a job status, as Zendesk's bulk update.
    func updateMany() throws(SandboxError) -> SandboxResponse {
        guard let o = try r.json()["user"]?.objectValue else { throw SandboxError.invalid("Request body must contain a user object") }
        let ids = (r.query["ids"] ?? "").split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        guard !ids.isEmpty, ids.count <= 100 else {
            throw SandboxError(status: 400, error: "InvalidValue", description: "ids: between 1 and 100 user ids are required (got \(ids.count))")
        }
        let job = state.read { s -> JobStatus in
            let at = s.changeTime(context.now)
            var results: [JSONValue] = []
            for (i, id) in ids.enumerated() {
                guard var u = s.world.user(id) else {
                    results.append(["index": .number(Double(i)), "id": .number(Double(id)), "error": "RecordNotFound", "details": "Not found"])
                    continue
                }
                Self.apply(o, to: &u)
                u.updatedAt = at
                s.world.store(u)
                results.append(["index": .number(Double(i)), "id": .number(Double(id)), "action": "update", "success": true, "status": "Updated"])
            }
            let jobId = String(format: "%016llx%016llx", state.random.value(13, s.requestCount), state.random.value(14, s.requestCount))
            let job = JobStatus(id: jobId, jobType: "Bulk Update Users", total: ids.count, results: results)
            s.jobs[jobId] = job
            return job
        }
        return .json(["job_status": job.json(base: context.base)])
    }
}

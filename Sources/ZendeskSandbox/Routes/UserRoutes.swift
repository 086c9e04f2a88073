import JSONCore
import SyncBridgeCore

/// `/users…`: list (filter `role`), show, show_many, me; create, update, delete (deactivates).
struct UserRoutes: Sendable {
    let context: RouteContext

    var state: SandboxState { context.state }
    var r: SandboxRequest { context.request }

    func handle() throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        switch (context.method, s.count) {
        case ("GET", 1): return try list()
        case ("GET", 2) where s[1] == "me": return try show(Generator.userBase)
        case ("GET", 2) where s[1] == "show_many":
            let ids = (r.query["ids"] ?? "").split(separator: ",").compactMap { Int64($0) }
            let users = state.read { st in ids.compactMap { st.world.user($0) } }
            var w = JSONWriter()
            w.beginObject(); w.key("users"); w.beginArray()
            for u in users { u.write(to: &w, base: context.base) }
            w.endArray(); w.endObject()
            return .json(w)
        case ("GET", 2): return try show(context.id(1))
        case ("POST", 1): return try create()
        case ("PUT", 2): return try update(context.id(1))
        case ("DELETE", 2): return try update(context.id(1), deactivate: true)
        default: throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
    }

    func write(_ u: User, status: Int = 200) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject(); w.key("user"); u.write(to: &w, base: context.base); w.endObject()
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
            ids: { after, limit in
                var out: [Int64] = []
                var id = max(after + 1, range.lowerBound)
                while out.count < limit && id < range.upperBound {
                    if matches(id) { out.append(id) }
                    id += 1
                }
                return out
            },
            idsBefore: { before, limit in
                var out: [Int64] = []
                var id = min(before - 1, range.upperBound - 1)
                while out.count < limit && id >= range.lowerBound {
                    if matches(id) { out.insert(id, at: 0) }
                    id -= 1
                }
                return out
            },
            item: { id, w in world.user(id)?.write(to: &w, base: context.base) }
        )
    }

    func show(_ id: Int64) throws(SandboxError) -> SandboxResponse {
        guard let u = state.read({ $0.world.user(id) }) else { throw SandboxError.notFound() }
        return write(u)
    }

    func create() throws(SandboxError) -> SandboxResponse {
        guard let o = try r.json()["user"]?.objectValue else { throw SandboxError.invalid("Request body must contain a user object") }
        guard let name = o["name"]?.stringValue, !name.isEmpty else { throw TicketInput.invalid("name", "Name: cannot be blank") }
        let u = state.read { s -> User in
            let at = s.changeTime(context.now)
            let u = User(
                id: Generator.userBase + Int64(s.world.nextUserIndex), name: name, email: o["email"]?.stringValue ?? "",
                role: o["role"]?.stringValue ?? "end-user", organizationId: o["organization_id"]?.numberValue.map { Int64($0) },
                phone: o["phone"]?.stringValue, active: true, tags: o["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                externalId: o["external_id"]?.stringValue, createdAt: at, updatedAt: at
            )
            s.world.nextUserIndex += 1
            s.world.store(u)
            return u
        }
        return write(u, status: 201)
    }

    func update(_ id: Int64, deactivate: Bool = false) throws(SandboxError) -> SandboxResponse {
        let o = deactivate ? [:] : (try r.json()["user"]?.objectValue ?? [:])
        let u = try state.withLock { s throws(SandboxError) -> User in
            guard var u = s.world.user(id) else { throw SandboxError.notFound() }
            if let v = o["name"]?.stringValue { u.name = v }
            if let v = o["email"]?.stringValue { u.email = v }
            if let v = o["role"]?.stringValue { u.role = v }
            if let v = o["phone"] { u.phone = v.stringValue }
            if let v = o["organization_id"] { u.organizationId = v.numberValue.map { Int64($0) } }
            if let v = o["tags"]?.arrayValue { u.tags = v.compactMap(\.stringValue) }
            if let v = o["external_id"] { u.externalId = v.stringValue }
            if deactivate { u.active = false }
            u.updatedAt = s.changeTime(context.now)
            s.world.store(u)
            return u
        }
        return write(u)
    }
}

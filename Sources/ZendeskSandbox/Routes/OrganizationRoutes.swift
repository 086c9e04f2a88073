import Foundation
import JSONCore

/// `/organizations…` (list, show, show_many, create, update, delete) and `/tags` (Airbyte's connection check).
struct OrganizationRoutes: Sendable {
    let context: RouteContext
    var notifier: WebhookNotifier? = nil

    var state: SandboxState { context.state }

    func handle() async throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        switch (context.method, s.count) {
        case ("GET", 1):
            let world = state.read { $0.world }
            let range = world.organizationIdRange
            let live = { (id: Int64) in !world.deletedOrganizations.contains(id) }
            return try Pagination.page(
                context.request, key: "organizations", base: context.base, total: { range.count - world.deletedOrganizations.count },
                ids: { after, limit in World.ids(in: range, after: after, limit: limit, where: live) },
                idsBefore: { before, limit in World.ids(in: range, before: before, limit: limit, where: live) },
                item: { id, w in world.organization(id)?.write(to: &w, base: context.base) }
            )
        case ("POST", 1): return try await create()
        case ("PUT", 2): return try update(context.id(1))
        case ("DELETE", 2):
            try state.withLock { st throws(SandboxError) in
                guard st.world.organization(try context.id(1)) != nil else { throw SandboxError.notFound() }
                st.world.deletedOrganizations.insert(try context.id(1))
            }
            return SandboxResponse(status: 204, body: [])
        case ("GET", 2) where s[1] == "show_many":
            let ids = (context.request.query["ids"] ?? "").split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
            guard ids.count <= 100 else { throw SandboxError.invalid("ids: at most 100 organization ids (got \(ids.count))") }
            let found = state.read { st in ids.compactMap { st.world.organization($0) } }
            var w = JSONWriter()
            w.beginObject()
            w.key("organizations")
            w.beginArray()
            for o in found { o.write(to: &w, base: context.base) }
            w.endArray()
            w.endObject()
            return .json(w)
        case ("GET", 2):
            guard let o = state.read({ $0.world.organization(Int64(s[1]) ?? -1) }) else { throw SandboxError.notFound() }
            var w = JSONWriter()
            w.beginObject()
            w.key("organization")
            o.write(to: &w, base: context.base)
            w.endObject()
            return .json(w)
        default:
            throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
    }

    func write(_ o: Organization, status: Int = 200) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.key("organization")
        o.write(to: &w, base: context.base)
        w.endObject()
        return .json(w, status: status)
    }

    /// `POST /organizations` with `{"organization": {"name", "domain_names", "tags"}}`; names are unique, as in Zendesk.
    func create() async throws(SandboxError) -> SandboxResponse {
        guard let o = try context.request.json()["organization"]?.objectValue else {
            throw SandboxError.invalid("Request body must contain an organization object")
        }
        let created = try state.withLock { st throws(SandboxError) -> Organization in
            try st.world.createOrganization(o, at: st.changeTime(context.now))
        }
        await notifier?.event(
            "zen:event-type:organization.created", subject: "zen:organization:\(created.id)", detail: created.eventDetail, state: state,
            now: context.now
        )
        return write(created, status: 201)
    }

    func update(_ id: Int64) throws(SandboxError) -> SandboxResponse {
        let o = try context.request.json()["organization"]?.objectValue ?? [:]
        let updated = try state.withLock { st throws(SandboxError) -> Organization in
            guard var org = st.world.organization(id) else { throw SandboxError.notFound() }
            if let v = o["name"]?.stringValue { org.name = v }
            if let v = o["domain_names"]?.arrayValue { org.domainNames = v.compactMap(\.stringValue) }
            if let v = o["tags"]?.arrayValue { org.tags = v.compactMap(\.stringValue) }
            org.updatedAt = st.changeTime(context.now)
            st.world.store(org)
            return org
        }
        return write(updated)
    }

    /// The tag pool with counts, cursor-paginated like Zendesk's `/tags`.
    func tags() throws(SandboxError) -> SandboxResponse {
        let pool = Generator.tagPool
        return try Pagination.pageByPosition(context.request, key: "tags", base: context.base, count: pool.count) { i, w in
            w.beginObject()
            w.field("name", pool[i - 1])
            w.field("count", Int64(100 + i))
            w.endObject()
        }
    }
}

import JSONCore

/// `/organizations…` (list, show, show_many) and `/tags` (Airbyte's connection check).
struct OrganizationRoutes: Sendable {
    let context: RouteContext

    var state: SandboxState { context.state }

    func handle() throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        switch (context.method, s.count) {
        case ("GET", 1):
            let world = state.read { $0.world }
            let count = Int64(world.generator.organizationCount)
            let base = Generator.organizationBase
            return try Pagination.page(
                context.request, key: "organizations", base: context.base, total: { Int(count) },
                ids: { after, limit in
                    let lo = max(after + 1, base), hi = min(base + count - 1, max(after, base - 1) + Int64(limit))
                    return lo <= hi ? Array(lo...hi) : []
                },
                idsBefore: { before, limit in
                    let hi = min(before - 1, base + count - 1), lo = max(base, before - Int64(limit))
                    return lo <= hi ? Array(lo...hi) : []
                },
                item: { id, w in world.organization(id)?.write(to: &w, base: context.base) }
            )
        case ("GET", 2) where s[1] == "show_many":
            let ids = (context.request.query["ids"] ?? "").split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
            guard ids.count <= 100 else { throw SandboxError.invalid("ids: at most 100 organization ids (got \(ids.count))") }
            let found = state.read { st in ids.compactMap { st.world.organization($0) } }
            var w = JSONWriter()
            w.beginObject(); w.key("organizations"); w.beginArray()
            for o in found { o.write(to: &w, base: context.base) }
            w.endArray(); w.endObject()
            return .json(w)
        case ("GET", 2):
            guard let o = state.read({ $0.world.organization(Int64(s[1]) ?? -1) }) else { throw SandboxError.notFound() }
            var w = JSONWriter()
            w.beginObject(); w.key("organization"); o.write(to: &w, base: context.base); w.endObject()
            return .json(w)
        default:
            throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
    }

    /// The tag pool with counts, cursor-paginated like Zendesk's `/tags`.
    func tags() throws(SandboxError) -> SandboxResponse {
        let pool = Generator.tagPool
        return try Pagination.pageByPosition(context.request, key: "tags", base: context.base, count: pool.count) { i, w in
            w.beginObject(); w.field("name", pool[i - 1]); w.field("count", Int64(100 + i)); w.endObject()
        }
    }
}

import JSONCore
import Synchronization

/// The JSON of generated tickets, kept so a page of them is copied rather than rebuilt.
///
/// A generated ticket is a pure function of the seed and its id, so its JSON never changes — until the ticket is
/// changed through the API, after which it lives in the world's overlay and is never looked up here. What is kept is
/// the members that depend on neither the base URL nor the endpoint (``Ticket/writeMembers(to:)``); `url` and an
/// export's `generated_timestamp` are written around them. When the memory budget is spent, no more are kept: the
/// cache never grows past it.
final class RenderCache: Sendable {
    private struct Store: Sendable {
        var members: [Int64: [UInt8]] = [:]
        var bytes = 0
        var hits = 0
        var misses = 0
    }

    private let store = Mutex(Store())
    private let budget: Int

    /// - Parameter budget: bytes of JSON kept at most; 0 keeps nothing.
    init(budget: Int) { self.budget = budget }

    var isFull: Bool { store.withLock { $0.bytes } >= budget }

    /// What `/__sandbox/stats` shows under `render_cache`: lookups answered from the cache and rendered anew, and
    /// what the cache holds.
    var statsJSON: JSONValue {
        store.withLock { s in
            [
                "hits": .number(Double(s.hits)), "misses": .number(Double(s.misses)), "entries": .number(Double(s.members.count)),
                "bytes": .number(Double(s.bytes)),
            ]
        }
    }

    /// The cached members of ticket `id`, or `render()`'s, which are kept while the budget allows. Requests count
    /// as hits or misses; the background warmer (`counted: false`) does not.
    func members(id: Int64, counted: Bool = true, render: () -> [UInt8]) -> [UInt8] {
        guard budget > 0 else { return render() }
        let hit = store.withLock { s -> [UInt8]? in
            let found = s.members[id]
            if counted { if found != nil { s.hits += 1 } else { s.misses += 1 } }
            return found
        }
        if let hit { return hit }
        let json = render()
        store.withLock { s in
            guard s.bytes + json.count <= budget else { return }
            if s.members.updateValue(json, forKey: id) == nil { s.bytes += json.count }
        }
        return json
    }
}

extension SandboxState {
    /// Writes ticket `id` as lists (or, with `export`, incremental exports) show it. Generated tickets never changed
    /// come from the render cache; changed, created and deleted ones are written from the world.
    func writeTicket(_ id: Int64, world: World, export: Bool, base: String, to w: inout JSONWriter) {
        let g = world.generator
        if world.tickets[id] == nil, g.ticketCount > 0, world.generatedTicketRange.contains(id) {
            w.beginObject()
            w.key("url")
            w.string(base + "/api/v2/tickets/", id, ".json")
            w.members(renderCache.members(id: id) { Self.renderMembers(g.ticket(id: id)) })
            if export { w.field("generated_timestamp", g.ticketTimestamp(index: Int(id - 1))) }
            w.endObject()
        } else if let t = export ? world.exportedTicket(id) : world.ticket(id) {
            t.write(to: &w, base: base, export: export)
        }
    }

    /// A ticket's cacheable members as a fragment (`"id":1,…`).
    static func renderMembers(_ t: Ticket) -> [UInt8] {
        var one = JSONWriter(capacity: 2048)
        one.beginObject()
        t.writeMembers(to: &one)
        return Array(one.bytes.dropFirst())
    }

    /// Renders generated tickets into the cache in the background, in id order, until the budget is spent or every
    /// ticket is in: pages are then copied from the first request on. Yields often, so requests go first.
    func warmRenderCache() async {
        let g = read { $0.world.generator }
        guard g.ticketCount > 0, !renderCache.isFull else { return }
        for id in stride(from: Int64(1), through: Int64(g.ticketCount), by: 1) {
            if id % 256 == 0 {
                await Task.yield()
                if Task.isCancelled || renderCache.isFull { return }
            }
            _ = renderCache.members(id: id, counted: false) { Self.renderMembers(g.ticket(id: id)) }
        }
    }
}

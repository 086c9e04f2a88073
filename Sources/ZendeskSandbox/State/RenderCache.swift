import JSONCore
import Synchronization

/// The JSON of generated tickets already served, kept so a page of them is copied rather than rebuilt.
///
/// A generated ticket is a pure function of the seed and its id, so its JSON never changes — until the ticket is
/// changed through the API, after which it lives in the world's overlay and is never looked up here. Two renderings
/// are kept (lists, and exports with `generated_timestamp`), for one base URL (a request under another base renders
/// afresh). When the memory budget is spent, new renderings are no longer kept: the cache never grows past it.
final class RenderCache: Sendable {
    enum Variant: Int, Sendable { case list = 0, export = 1 }

    private struct Store: Sendable {
        var base: String?
        var entries: [[Int64: [UInt8]]] = [[:], [:]]
        var bytes = 0
    }

    private let store = Mutex(Store())
    private let budget: Int

    /// - Parameter budget: bytes of JSON kept at most; 0 keeps nothing.
    init(budget: Int) { self.budget = budget }

    /// The cached JSON of ticket `id`, or `render()`'s, which is kept while the budget allows.
    func json(_ variant: Variant, id: Int64, base: String, render: () -> [UInt8]) -> [UInt8] {
        guard budget > 0 else { return render() }
        if let hit = store.withLock({ $0.base == base ? $0.entries[variant.rawValue][id] : nil }) { return hit }
        let json = render()
        store.withLock { s in
            if s.base == nil { s.base = base }
            guard s.base == base, s.bytes + json.count <= budget else { return }
            if s.entries[variant.rawValue].updateValue(json, forKey: id) == nil { s.bytes += json.count }
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
            w.raw(
                renderCache.json(export ? .export : .list, id: id, base: base) {
                    var one = JSONWriter(capacity: 2048)
                    g.ticket(id: id).write(to: &one, base: base, export: export)
                    return one.bytes
                }
            )
        } else if let t = export ? world.exportedTicket(id) : world.ticket(id) {
            t.write(to: &w, base: base, export: export)
        }
    }
}

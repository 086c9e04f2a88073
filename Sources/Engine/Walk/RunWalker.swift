import Connectors
import SyncBridgeCore

/// A run's walk over its resource tree, as a value with no I/O: it holds the position (one frame per level, root
/// first) and answers what comes next — fetch a page, deliver a page, save, pause, or finished. The executor performs
/// each step and reports back (``received(_:)``, ``acknowledged()``); all frame bookkeeping is here, written once.
///
/// The order is the engine's contract: roots in declaration order; each page delivered, then every record's dependents
/// (each child in declaration order, every `loop_on` element, every page), then the next page. A walker made from a
/// saved ``RunPosition`` continues exactly where that position says: it fetches again (as
/// ``Fetch/Purpose/dependents``) the pages whose records the remaining dependents need, and delivers nothing twice.
struct RunWalker: Sendable {
    /// One level of the tree being walked.
    private struct Level: Sendable {
        var frame: RunPosition.Frame
        /// The scope of the resource (its parents' records, its `previous_run_date`).
        let scope: RunScope
        /// The `loop_on` elements and the placeholder path each is bound to; nil without a loop.
        let loop: (path: String, elements: [JSONValue])?
        /// The scope of the current loop element.
        var iterationScope: RunScope
        /// The current page's records, once known.
        var records: [JSONValue]?
    }

    let resources: [SyncJobResource]
    let graph: ResourceGraph
    /// The scope every root starts from.
    let base: RunScope
    /// The run's dates: each resource's `previous_run_date`.
    let dates: RunPosition
    /// A continuous run polls its roots' exports for changes after their last page.
    let continuous: Bool

    private var levels: [Level] = []
    /// Frames of a saved position not reached yet, outermost first.
    private var resume: ArraySlice<RunPosition.Frame>
    private var started = false
    /// The next root to walk, as an index into `graph.roots`.
    private var nextRoot = 0
    /// The step handed out and not yet answered (asking again returns it).
    private var outstanding: Step?
    /// A `pause` was handed out for the current position: the next step polls.
    private var paused = false

    /// A walker at the start of `resume` (empty: the beginning of the run). `dates` supplies each resource's
    /// `previous_run_date`; its frames are ignored.
    init(resources: [SyncJobResource], graph: ResourceGraph, base: RunScope, dates: RunPosition, continuous: Bool, resume: [RunPosition.Frame]) {
        self.resources = resources
        self.graph = graph
        self.base = base
        self.dates = dates
        self.continuous = continuous
        self.resume = resume[...]
    }

    /// The position to save: one frame per level being walked, root first.
    var frames: [RunPosition.Frame] {
        started ? levels.map(\.frame) : Array(resume)
    }

    /// What to do next. Throws when a resource's `loop_on` is not one placeholder.
    mutating func next() throws(RunInterruption) -> Step {
        if let outstanding { return outstanding }
        while true {
            guard let depth = levels.indices.last else {
                guard let root = takeRoot() else { return .finished }
                try enter(root, scope: base)
                continue
            }
            let level = levels[depth]
            let frame = level.frame
            let children = graph.children(of: frame.resource)
            if frame.loop >= (level.loop?.elements.count ?? 1) {
                levels.removeLast()
                if let parent = levels.indices.last { levels[parent].frame.child += 1 }
                continue
            }
            if !frame.loaded {
                return hand(.fetch(Fetch(resource: frame.resource, scope: level.iterationScope, cursor: frame.cursor, purpose: .page)))
            }
            guard let records = level.records else {
                if children.isEmpty {
                    levels[depth].records = []
                    continue
                }
                return hand(.fetch(Fetch(resource: frame.resource, scope: level.iterationScope, cursor: frame.cursor, purpose: .dependents)))
            }
            if !children.isEmpty && frame.record < records.count {
                if frame.child < children.count {
                    let scope = level.iterationScope.binding(record: records[frame.record], of: resources[frame.resource].resource)
                    try enter(children[frame.child], scope: scope)
                } else {
                    levels[depth].frame.record += 1
                    levels[depth].frame.child = 0
                }
                continue
            }
            var following = frame.next
            if following == nil, depth == 0, continuous, let poll = frame.poll {
                // Caught up: wait, then ask the export for what changed since the last page.
                if !paused {
                    paused = true
                    return .pause
                }
                paused = false
                following = poll
            }
            guard let cursor = following else {
                advanceLoop(depth)
                continue
            }
            levels[depth].frame.cursor = cursor
            levels[depth].frame.next = nil
            levels[depth].frame.poll = nil
            levels[depth].frame.loaded = false
            levels[depth].frame.page += 1
            levels[depth].frame.record = 0
            levels[depth].frame.child = 0
            levels[depth].records = nil
        }
    }

    /// The outcome of the outstanding ``Step/fetch(_:)``: a page, or nil when the request failed for good and the run
    /// goes on without it (a `record_error` was sent; the walk moves to the next loop element).
    mutating func received(_ page: ConnectorPage?) {
        guard case .fetch(let fetch)? = outstanding, let depth = levels.indices.last else { return }
        outstanding = nil
        guard let page else {
            advanceLoop(depth)
            return
        }
        levels[depth].records = page.records
        guard fetch.purpose == .page else { return }
        levels[depth].frame.loaded = true
        levels[depth].frame.next = page.nextCursor
        levels[depth].frame.poll = page.pollCursor
        levels[depth].frame.record = 0
        levels[depth].frame.child = 0
        let step = resources[fetch.resource]
        guard step.persist ?? true, !page.records.isEmpty else {
            outstanding = .checkpoint
            return
        }
        let leaf = graph.children(of: fetch.resource).isEmpty
        let ahead = leaf ? page.nextCursor.map { Fetch(resource: fetch.resource, scope: fetch.scope, cursor: $0, purpose: .page) } : nil
        outstanding = .deliver(
            Delivery(
                resource: fetch.resource, records: page.records, page: levels[depth].frame.page, nextCursor: page.nextCursor,
                parent: parent(of: step, in: fetch.scope), ahead: ahead
            )
        )
    }

    /// The outstanding ``Step/deliver(_:)`` or ``Step/checkpoint`` is done.
    mutating func acknowledged() {
        switch outstanding {
        case .deliver?, .checkpoint?: outstanding = nil
        default: break
        }
    }

    /// The first-page requests of dependents the walk will make next under the deepest page whose records it holds,
    /// in walk order, up to `limit`: each needs nothing but its parent record, so they may be in flight while earlier
    /// pages are still being delivered — delivery stays in walk order, and each answer is handed back when the walk
    /// asks for it (as ``PageAhead`` does for a leaf's next page). A `loop_on` that is not one placeholder yields none.
    func upcomingDependentFetches(limit: Int) -> [Fetch] {
        guard limit > 0,
            let depth = levels.indices.last(where: { levels[$0].records != nil && !graph.children(of: levels[$0].frame.resource).isEmpty })
        else { return [] }
        let level = levels[depth]
        guard let records = level.records else { return [] }
        let children = graph.children(of: level.frame.resource)
        let name = resources[level.frame.resource].resource
        // The child being walked now (a deeper level exists) is not upcoming; the one about to be entered is.
        var (record, child) = (level.frame.record, level.frame.child + (depth < levels.count - 1 ? 1 : 0))
        var out: [Fetch] = []
        while record < records.count && out.count < limit {
            if child >= children.count {
                record += 1
                child = 0
                continue
            }
            let index = children[child]
            let step = resources[index]
            let scope = level.iterationScope.binding(record: records[record], of: name).with(
                previousRunDate: dates.previousRunDate(for: step.resource))
            child += 1
            let loop: (path: String, elements: [JSONValue])?
            do {
                loop = try Self.loopElements(step, scope: scope)
            } catch {
                continue
            }
            for element in loop.map({ Array($0.elements.indices) }) ?? [0] where out.count < limit {
                out.append(Fetch(resource: index, scope: Self.iterationScope(scope, loop: loop, at: element), cursor: nil, purpose: .page))
            }
        }
        return out
    }

    /// The first-page requests the walk will make later, up to `limit`: first the dependents under the deepest page it
    /// holds (``upcomingDependentFetches(limit:)``), then, deepest level first, the first pages of the `loop_on`
    /// elements after the current one. Each is asked for once the walk gets there, whatever comes between.
    func upcomingFetches(limit: Int) -> [Fetch] {
        var out = upcomingDependentFetches(limit: limit)
        for level in levels.reversed() where out.count < limit {
            guard let loop = level.loop else { continue }
            var element = level.frame.loop + 1
            while element < loop.elements.count && out.count < limit {
                out.append(
                    Fetch(
                        resource: level.frame.resource, scope: Self.iterationScope(level.scope, loop: loop, at: element), cursor: nil, purpose: .page)
                )
                element += 1
            }
        }
        return out
    }

    // MARK: Moves

    private mutating func hand(_ step: Step) -> Step {
        outstanding = step
        return step
    }

    /// The next root to walk; a resumed walk starts at the root its position is in.
    private mutating func takeRoot() -> Int? {
        if !started {
            started = true
            if let target = resume.first?.resource {
                nextRoot = graph.roots.firstIndex(of: target) ?? graph.roots.count
            }
        }
        guard nextRoot < graph.roots.count else { return nil }
        defer { nextRoot += 1 }
        return graph.roots[nextRoot]
    }

    /// Starts walking a resource under `scope`: from the saved frame when the position is in it, else from its start.
    private mutating func enter(_ index: Int, scope: RunScope) throws(RunInterruption) {
        let step = resources[index]
        let scope = scope.with(previousRunDate: dates.previousRunDate(for: step.resource))
        var frame = RunPosition.Frame(resource: index)
        if let saved = resume.first, saved.resource == index {
            frame = saved
            resume = resume.dropFirst()
        } else {
            resume = []
        }
        let loop = try Self.loopElements(step, scope: scope)
        let iteration = Self.iterationScope(scope, loop: loop, at: frame.loop)
        levels.append(Level(frame: frame, scope: scope, loop: loop, iterationScope: iteration, records: nil))
    }

    /// The level moves to its next loop element, first page.
    private mutating func advanceLoop(_ depth: Int) {
        var frame = RunPosition.Frame(resource: levels[depth].frame.resource)
        frame.loop = levels[depth].frame.loop + 1
        levels[depth].frame = frame
        levels[depth].records = nil
        levels[depth].iterationScope = Self.iterationScope(levels[depth].scope, loop: levels[depth].loop, at: frame.loop)
    }

    private static func iterationScope(_ scope: RunScope, loop: (path: String, elements: [JSONValue])?, at index: Int) -> RunScope {
        guard let loop, loop.elements.indices.contains(index) else { return scope }
        return scope.binding(loopPath: loop.path, to: loop.elements[index])
    }

    /// `{resource, id}` of the record a dependent page belongs to.
    private func parent(of step: SyncJobResource, in scope: RunScope) -> JSONValue {
        guard let dependsOn = step.dependsOn else { return .null }
        let path = (["resources"] + dependsOn.split(separator: "/").map(String.init)).joined(separator: ".")
        return ["resource": .string(dependsOn), "id": scope.value.value(atPath: path)?["id"] ?? .null]
    }

    /// The elements `loop_on` names, with the placeholder path each is bound to; nil when the step has no loop.
    /// A missing or null value loops over nothing; a single value loops once.
    static func loopElements(_ step: SyncJobResource, scope: RunScope) throws(RunInterruption) -> (path: String, elements: [JSONValue])? {
        guard let loopOn = step.loopOn else { return nil }
        guard let template = try? Template(parsing: loopOn), let placeholder = template.wholePlaceholder else {
            throw RunInterruption.failed("\(step.resource): loop_on must be one placeholder, like {{args.ticket_ids}}")
        }
        let path = placeholder.alternatives.first { scope.value.value(atPath: $0).map { !$0.isNull } ?? false } ?? placeholder.alternatives[0]
        switch placeholder.resolve(in: scope.value) {
        case nil, .null?: return (path, [])
        case .array(let elements)?: return (path, elements)
        case let single?: return (path, [single])
        }
    }
}

/// The dependency graph of a sync job's resources (`depends_on` edges), checked for dangling edges and cycles.
public struct ResourceGraph: Sendable, Equatable {
    /// For each resource index, the index of the resource it depends on.
    public let parent: [Int?]

    /// Builds the graph, recording a failure at `resources[i].depends_on` for every dangling, ambiguous, self or
    /// cyclic edge. Returns `nil` when the graph is unusable.
    public init?(resources: [SyncJobResource], failures: FailureCollector) {
        var byName: [String: [Int]] = [:]
        for (i, r) in resources.enumerated() { byName[r.resource, default: []].append(i) }
        var parent: [Int?] = Array(repeating: nil, count: resources.count)
        var ok = true
        for (i, r) in resources.enumerated() {
            guard let target = r.dependsOn else { continue }
            let path = "resources[\(i)].depends_on"
            let candidates = (byName[target] ?? []).filter { $0 != i }
            if target == r.resource && candidates.isEmpty {
                failures.add(path, "a resource cannot depend on itself")
                ok = false
            } else if candidates.isEmpty {
                failures.add(path, "'\(target)' is not one of this job's resources")
                ok = false
            } else if candidates.count > 1 {
                failures.add(path, "'\(target)' names more than one resource of this job")
                ok = false
            } else {
                parent[i] = candidates[0]
            }
        }
        // With one parent per node, a cycle is a walk up the chain that returns to a node already on it.
        var reported = Set<Int>()
        for start in parent.indices {
            var seen: [Int] = []
            var node: Int? = start
            while let n = node {
                if let at = seen.firstIndex(of: n) {
                    let cycle = seen[at...]
                    if reported.isDisjoint(with: cycle) {
                        let first = cycle.min()!
                        let names = (cycle.map { resources[$0].resource } + [resources[n].resource]).joined(separator: " → ")
                        failures.add("resources[\(first)].depends_on", "dependency cycle: \(names)")
                        ok = false
                    }
                    reported.formUnion(cycle)
                    break
                }
                seen.append(n)
                node = parent[n]
            }
        }
        guard ok else { return nil }
        self.parent = parent
    }

    /// The chain of ancestors of a resource, nearest first.
    public func ancestors(of index: Int) -> [Int] {
        var out: [Int] = []
        var node = parent[index]
        while let n = node {
            out.append(n)
            node = parent[n]
        }
        return out
    }

    /// The resources that depend directly on `index`, in declaration order.
    public func children(of index: Int) -> [Int] {
        parent.indices.filter { parent[$0] == index }
    }

    /// The resources with no parent, in declaration order.
    public var roots: [Int] { parent.indices.filter { parent[$0] == nil } }
}

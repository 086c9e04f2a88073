import Foundation
import SyncBridgeCore

/// The one definition of "a resource completed cleanly" in a run that reached `completed`: every page of it was
/// fetched and acknowledged, none skipped after a `record_error`, and the same holds for every resource that depends
/// on it. Dependents are only reached through their parent's records, so a parent whose watermark moved past a
/// record would never revisit the dependent pages skipped under it.
///
/// Watermarks move only for clean resources; delete tracking and bulk plans are to use the same rule.
enum ResourceCompletion {
    /// The indices of the job's resources that did not complete cleanly, given the run's `resource_stats` (a
    /// resource's `errors` counts its requests that failed for good).
    static func incomplete(resources: [SyncJobResource], graph: ResourceGraph, stats: [String: JSONValue]) -> Set<Int> {
        var incomplete = Set<Int>()
        for (i, r) in resources.enumerated() where (stats[r.resource]?["errors"]?.numberValue ?? 0) > 0 {
            incomplete.insert(i)
            incomplete.formUnion(graph.ancestors(of: i))
        }
        return incomplete
    }

    /// The run's `error` when some resources are incomplete: which, and that the next run fetches them again.
    static func summary(_ incomplete: Set<Int>, resources: [SyncJobResource], stats: [String: JSONValue]) -> String? {
        guard !incomplete.isEmpty else { return nil }
        let parts = incomplete.sorted().map { i -> String in
            let name = resources[i].resource
            let failed = Int(stats[name]?["errors"]?.numberValue ?? 0)
            return failed > 0 ? "\(name) (\(failed) failed request\(failed == 1 ? "" : "s"))" : "\(name) (a dependent was incomplete)"
        }
        return "incomplete: \(parts.joined(separator: ", ")); the next run fetches these resources again from their last clean run"
    }
}

import Foundation
import SyncBridgeCore

/// The values placeholders resolve against: `args`, `previous_run_date`, `sync_job_run`, and `resources` (the
/// records of the ancestors being walked, under their names split at `/`: `resources.ticketing.tickets.id`).
struct RunScope: Sendable {
    private(set) var value: JSONValue

    init(args: [String: JSONValue], previousRunDate: String, run: JSONValue) {
        value = ["args": .object(args), "previous_run_date": .string(previousRunDate), "sync_job_run": run, "resources": .object([:])]
    }

    /// The scope with the `previous_run_date` of one resource (each resource has its own watermark).
    func with(previousRunDate: String) -> RunScope {
        var copy = self
        copy.value = copy.value.setting(["previous_run_date"], to: .string(previousRunDate))
        return copy
    }

    /// The scope with a parent record bound under its resource name.
    func binding(record: JSONValue, of resource: String) -> RunScope {
        var copy = self
        copy.value = copy.value.setting(["resources"] + resource.split(separator: "/").map(String.init), to: record)
        return copy
    }

    /// The scope with the placeholder path of `loop_on` bound to one element of its array.
    func binding(loopPath: String, to element: JSONValue) -> RunScope {
        var copy = self
        copy.value = copy.value.setting(loopPath.split(separator: ".").map(String.init), to: element)
        return copy
    }
}

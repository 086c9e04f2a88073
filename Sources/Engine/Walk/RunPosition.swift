import Foundation
import SyncBridgeCore

/// Where a run is: one frame per level of the resource tree being walked, root first, plus the count of events the
/// receiver has acknowledged. Saved after every acknowledged event, so a resumed run re-sends at most the one event
/// that was in flight.
struct RunPosition: Sendable, Equatable {
    /// One resource being walked.
    struct Frame: Sendable, Equatable {
        /// Index of the resource in the job.
        var resource: Int
        /// Index in the `loop_on` array (0 without a loop).
        var loop = 0
        /// The cursor of the current page (`nil`: the first page).
        var cursor: String?
        /// 1-based number of the current page.
        var page = 1
        /// True once the current page was fetched and delivered.
        var loaded = false
        /// The cursor after the current page, once loaded (`nil`: it was the last).
        var next: String?
        /// Where a continuous run polls for later changes, once the current page is loaded.
        var poll: String?
        /// The next record of the current page whose dependents have not all run.
        var record = 0
        /// For that record, the index (among the resource's children) of the dependent being run.
        var child = 0

        var json: JSONValue {
            [
                "resource": .number(Double(resource)), "loop": .number(Double(loop)), "cursor": cursor.map(JSONValue.string) ?? .null,
                "page": .number(Double(page)), "loaded": .bool(loaded), "next": next.map(JSONValue.string) ?? .null,
                "record": .number(Double(record)), "child": .number(Double(child)), "poll": poll.map(JSONValue.string) ?? .null,
            ]
        }

        init(resource: Int) {
            self.resource = resource
        }

        init?(_ v: JSONValue) {
            guard let r = v["resource"]?.numberValue else { return nil }
            resource = Int(r)
            loop = Int(v["loop"]?.numberValue ?? 0)
            cursor = v["cursor"]?.stringValue
            page = Int(v["page"]?.numberValue ?? 1)
            loaded = v["loaded"]?.boolValue ?? false
            next = v["next"]?.stringValue
            record = Int(v["record"]?.numberValue ?? 0)
            child = Int(v["child"]?.numberValue ?? 0)
            poll = v["poll"]?.stringValue
        }
    }

    /// The frames, root first.
    var frames: [Frame] = []
    /// Events sent by the executor and acknowledged so far; the next one's sequence number.
    var acknowledged = 0
    /// Attempts already made at the next event (a parked run resumes its retry schedule where it stopped).
    var deliveryAttempts = 0
    /// The `previous_run_date` fixed when the run started, so a resumed run filters as the first attempt did. With
    /// ``previousRunDates`` it is only the earliest of them (for logs); without (a checkpoint of an older version),
    /// every resource uses it.
    var previousRunDate: String
    /// Each resource's `previous_run_date`, fixed when the run started: its watermark less the connector's lag.
    var previousRunDates: [String: String]?
    /// Each resource's watermark when the run started (absent: it never completed cleanly). A resource that does not
    /// complete cleanly in this run keeps it.
    var watermarks: [String: String] = [:]

    init(previousRunDate: String, previousRunDates: [String: String]? = nil, watermarks: [String: String] = [:]) {
        self.previousRunDate = previousRunDate
        self.previousRunDates = previousRunDates
        self.watermarks = watermarks
    }

    /// The `previous_run_date` a resource's requests resolve against.
    func previousRunDate(for resource: String) -> String {
        previousRunDates.map { $0[resource] ?? Timestamp.distantPastString } ?? previousRunDate
    }

    var json: JSONValue {
        var o: [String: JSONValue] = [
            "frames": .array(frames.map(\.json)), "acknowledged": .number(Double(acknowledged)),
            "previous_run_date": .string(previousRunDate), "watermarks": .object(watermarks.mapValues(JSONValue.string)),
        ]
        if let previousRunDates { o["previous_run_dates"] = .object(previousRunDates.mapValues(JSONValue.string)) }
        if deliveryAttempts > 0 { o["delivery_attempts"] = .number(Double(deliveryAttempts)) }
        return .object(o)
    }

    init?(_ v: JSONValue?) {
        guard let v, let date = v["previous_run_date"]?.stringValue else { return nil }
        previousRunDate = date
        previousRunDates = v["previous_run_dates"]?.objectValue?.compactMapValues(\.stringValue)
        watermarks = v["watermarks"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
        acknowledged = Int(v["acknowledged"]?.numberValue ?? 0)
        deliveryAttempts = Int(v["delivery_attempts"]?.numberValue ?? 0)
        frames = (v["frames"]?.arrayValue ?? []).compactMap(Frame.init)
    }
}

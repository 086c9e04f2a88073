import JSONCore

/// One delivery the ``WebhookReceiver`` took, parsed as a SyncBridge event envelope.
public struct ReceivedEvent: Sendable {
    public let envelope: JSONValue
    public let headers: [String: String]
    public let body: String

    public var event: String { envelope["event"]?.stringValue ?? "" }
    public var payload: JSONValue { envelope["payload"] ?? .null }
    public var id: String { envelope["id"]?.stringValue ?? "" }
    public var resource: String { payload["resource"]?.stringValue ?? "" }
    public var records: [JSONValue] { payload["records"]?.arrayValue ?? [] }
    /// `record:ticketing/tickets` for records, the event name otherwise.
    public var label: String { event == "sync_job_run:record" ? "record:\(resource)" : event }
}

extension WebhookReceiver {
    /// The run events received (account events left out), parsed, in arrival order.
    public func runEvents() -> [ReceivedEvent] {
        deliveries.compactMap { d in
            guard let json = try? JSONParser.parse(d.body) else { return nil }
            return ReceivedEvent(envelope: json, headers: d.headers, body: d.body)
        }.filter { $0.event.hasPrefix("sync_job_run:") }
    }
}

/// What a sequence of record events adds up to once redeliveries (same event id) are folded.
public struct DeliveredRecords: Sendable {
    /// Record events whose id arrived more than once.
    public let repeatedPages: Int
    /// Record ids per resource, over distinct events, in arrival order.
    public let ids: [String: [String]]

    public init(_ events: [ReceivedEvent]) {
        var seen: [String: Int] = [:]
        var ids: [String: [String]] = [:]
        for e in events where e.event == "sync_job_run:record" {
            seen[e.id, default: 0] += 1
            guard seen[e.id] == 1 else { continue }
            ids[e.resource, default: []] += e.records.compactMap { $0["id"]?.stringValue }
        }
        repeatedPages = seen.values.filter { $0 > 1 }.count
        self.ids = ids
    }
}

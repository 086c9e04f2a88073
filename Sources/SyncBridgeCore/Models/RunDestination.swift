import Foundation

/// Where a run writes its records instead of sending them to the webhook (which still gets the lifecycle events).
/// `type` names a sink of the process's sink registry (`zendesk_ticket_import` writes tickets
/// into another Zendesk account with the bulk import API); `integrated_account_id` is the account written to; every
/// other member is the sink's own option (`buffer_size`, `max_retries`), checked by the sink when the run or trigger
/// is created. A page is acknowledged (checkpointed) only once every record of it is written.
public struct RunDestination: Sendable, Equatable {
    /// The sink's name (`zendesk_ticket_import`).
    public var kind: String
    /// The account written to.
    public var integratedAccountId: UUID
    /// The sink's own options, as given.
    public var options: [String: JSONValue]

    /// The Zendesk ticket import's kind.
    public static let zendeskTicketImport = "zendesk_ticket_import"

    public init(kind: String, integratedAccountId: UUID, options: [String: JSONValue] = [:]) {
        self.kind = kind
        self.integratedAccountId = integratedAccountId
        self.options = options
    }

    public var json: JSONValue {
        .object(options.merging(["type": .string(kind), "integrated_account_id": .string(integratedAccountId.lowercased)]) { _, fixed in fixed })
    }

    /// Reads `destination`; nil when absent or invalid (failures recorded under `destination.…`). The type and the
    /// options are checked against the sink registry by the run's reference check.
    public init?(reading parent: FieldReader) {
        guard let value = parent.present("destination") else { return nil }
        let r = FieldReader(value, path: parent.path("destination"), failures: parent.failures)
        let kind = r.string("type", required: true)
        let account = r.uuid("integrated_account_id", required: true)
        guard let kind, let account else { return nil }
        var options = r.members
        options["type"] = nil
        options["integrated_account_id"] = nil
        self.init(kind: kind, integratedAccountId: account, options: options)
    }
}

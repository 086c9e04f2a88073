import Foundation

/// Where a run writes its records instead of sending them to the webhook (which still gets the lifecycle events):
/// seed 004's destination. `zendesk_ticket_import` writes tickets into another Zendesk account with the bulk import
/// API, `buffer_size` (≤ 100, Zendesk's per-call maximum) per call, waiting out a 429's `Retry-After` up to
/// `max_retries` times; a page is acknowledged (checkpointed) only once every ticket of it is written.
public struct RunDestination: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case zendeskTicketImport = "zendesk_ticket_import"
    }

    public var kind: Kind
    /// The account written to.
    public var integratedAccountId: UUID
    public var bufferSize: Int
    public var maxRetries: Int

    public init(kind: Kind = .zendeskTicketImport, integratedAccountId: UUID, bufferSize: Int = 100, maxRetries: Int = 3) {
        self.kind = kind
        self.integratedAccountId = integratedAccountId
        self.bufferSize = bufferSize
        self.maxRetries = maxRetries
    }

    public var json: JSONValue {
        [
            "type": .string(kind.rawValue), "integrated_account_id": .string(integratedAccountId.lowercased),
            "buffer_size": .number(Double(bufferSize)), "max_retries": .number(Double(maxRetries)),
        ]
    }

    /// Reads `destination`; nil when absent or invalid (failures recorded under `destination.…`).
    public init?(reading parent: FieldReader) {
        guard let value = parent.present("destination") else { return nil }
        let r = FieldReader(value, path: parent.path("destination"), failures: parent.failures)
        r.rejectUnknown(["type", "integrated_account_id", "buffer_size", "max_retries"])
        let kind = r.oneOf("type", Kind.allCases.map(\.rawValue), required: true).flatMap(Kind.init(rawValue:))
        let account = r.uuid("integrated_account_id", required: true)
        let buffer = r.int("buffer_size") ?? 100
        let retries = r.int("max_retries") ?? 3
        if !(1...100).contains(buffer) { r.failures.add(r.path("buffer_size"), "must be from 1 to 100 (Zendesk imports at most 100 tickets per call)") }
        if !(0...10).contains(retries) { r.failures.add(r.path("max_retries"), "must be from 0 to 10") }
        guard let kind, let account, (1...100).contains(buffer), (0...10).contains(retries) else { return nil }
        self.init(kind: kind, integratedAccountId: account, bufferSize: buffer, maxRetries: retries)
    }
}

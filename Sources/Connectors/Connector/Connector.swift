import Foundation
import Logging
import SyncBridgeCore

/// One integration's way of reading records: list a page, get one record, or call a read-like custom method.
///
/// A connector is stateless between calls: everything it needs to continue a list is in the opaque cursor it hands
/// back, so the engine can checkpoint that cursor and resume in another process.
public protocol Connector: Sendable {
    /// The integration this connector serves (`zendesk`).
    var integrationName: String { get }

    /// What the API checks of an account's context before the connector runs, and warns about.
    var descriptor: IntegrationDescriptor { get }

    /// The resource names it knows, unified (`ticketing/tickets`) and proxy (`tickets`).
    var resources: [String] { get }

    /// How long a change may stay invisible to this provider's incremental lists (Zendesk's exports leave out the
    /// last minute, and its timestamps have whole seconds). `previous_run_date` is moved back by this much, so a
    /// change made just before the previous run started is delivered by the next run instead of being lost.
    var changeVisibilityLag: TimeInterval { get }

    /// Whether a list of `resource` with this `query` reads an incremental export, which a continuous run can poll for
    /// later changes (a JSONata query is judged by whether it names `updated_at`).
    func pollsIncrementally(resource: String, method: String, query: JSONValue?) -> Bool

    /// Performs one request and returns one page of records.
    /// - Throws: ``ConnectorError`` with a stable code (rate limited, unauthorized, not found, transient, invalid).
    func fetch(_ request: ConnectorRequest, account: ConnectorAccount, logger: Logger) async throws(ConnectorError) -> ConnectorPage
}

extension Connector {
    /// No lag: the provider's lists show every change at once.
    public var changeVisibilityLag: TimeInterval { 0 }

    /// No incremental exports.
    public func pollsIncrementally(resource: String, method: String, query: JSONValue?) -> Bool { false }
}

/// The account a connector calls the provider for: its id and its settings and secrets together.
public struct ConnectorAccount: Sendable {
    public var id: UUID
    public var context: [String: JSONValue]

    /// Creates an account view.
    public init(id: UUID, context: [String: JSONValue]) {
        self.id = id
        self.context = context
    }

    /// The connector's view of a stored account.
    public init(_ account: IntegratedAccount) {
        self.init(id: account.id, context: account.fullContext)
    }
}

/// One request to a connector.
public struct ConnectorRequest: Sendable, Hashable {
    /// `ticketing/tickets` or `tickets`.
    public var resource: String
    /// `list`, `get`, or a custom method name.
    public var method: String
    /// The record id, for `get`.
    public var id: String?
    /// Query parameters, rendered (no placeholders left).
    public var query: [String: JSONValue]
    /// A body, for custom methods.
    public var body: JSONValue?
    /// Where to continue a list; `nil` for the first page.
    public var cursor: String?

    /// Creates a request.
    public init(
        resource: String, method: String, id: String? = nil, query: [String: JSONValue] = [:], body: JSONValue? = nil,
        cursor: String? = nil
    ) {
        self.resource = resource
        self.method = method
        self.id = id
        self.query = query
        self.body = body
        self.cursor = cursor
    }
}

/// One page of records.
public struct ConnectorPage: Sendable {
    /// Records in the resource's shape (unified or the provider's own).
    public var records: [JSONValue]
    /// Where the next page starts; `nil` on the last page. Opaque and stable across processes.
    public var nextCursor: String?
    /// For incremental exports: where to ask again later for changes made after this page, also on the last page
    /// (Zendesk's `after_url` at end of stream). Continuous runs poll it.
    public var pollCursor: String?

    /// Creates a page.
    public init(records: [JSONValue], nextCursor: String?, pollCursor: String? = nil) {
        self.records = records
        self.nextCursor = nextCursor
        self.pollCursor = pollCursor
    }
}

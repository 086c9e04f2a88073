import SyncBridgeCore

/// The sinks a run's `destination` can name, by `type`. Adding a sink is one file with its type and its ``Entry``,
/// plus that entry in ``standard``.
public struct SinkRegistry: Sendable {
    /// What a sink is made from: the run's destination, the destination account's credentials (current at each
    /// call: an OAuth token is renewed as it expires) and the HTTP client.
    public struct Context: Sendable {
        public var destination: RunDestination
        public var credentials: any AccountCredentials
        public var client: ProviderClient

        /// Creates a context.
        public init(destination: RunDestination, credentials: any AccountCredentials, client: ProviderClient) {
            self.destination = destination
            self.credentials = credentials
            self.client = client
        }
    }

    /// One kind of sink.
    public struct Entry: Sendable {
        /// The `type` a destination names it by.
        public var kind: String
        /// The integration of the accounts it writes to.
        public var integrationName: String
        /// Checks the destination's options (members other than `type` and `integrated_account_id`), recording
        /// failures under the reader's path (`destination.buffer_size`).
        public var check: @Sendable (FieldReader) -> Void
        /// Makes the sink for a run.
        public var make: @Sendable (Context) -> any RecordSink
        /// Why an account cannot be written to by this sink (its OAuth grant is read-only, say), or nil when it can.
        public var accountProblem: @Sendable (IntegratedAccount) -> String?

        /// Creates an entry.
        public init(
            kind: String, integrationName: String, check: @escaping @Sendable (FieldReader) -> Void,
            accountProblem: @escaping @Sendable (IntegratedAccount) -> String? = { _ in nil },
            make: @escaping @Sendable (Context) -> any RecordSink
        ) {
            self.kind = kind
            self.integrationName = integrationName
            self.check = check
            self.accountProblem = accountProblem
            self.make = make
        }
    }

    let entries: [String: Entry]

    /// Creates a registry (the last entry wins when two share a kind).
    public init(_ entries: [Entry]) {
        var byKind: [String: Entry] = [:]
        for e in entries { byKind[e.kind] = e }
        self.entries = byKind
    }

    /// The sinks this build ships.
    public static let standard = SinkRegistry([ZendeskTicketImport.sink])

    /// The entry of a kind.
    public func entry(for kind: String) -> Entry? { entries[kind] }

    /// The kinds, sorted.
    public var kinds: [String] { entries.keys.sorted() }

    /// The sink for a destination; nil when this build has none of its kind.
    public func sink(for context: Context) -> (any RecordSink)? {
        entries[context.destination.kind].map { $0.make(context) }
    }
}

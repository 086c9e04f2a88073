import SyncBridgeCore

/// The sinks a run's `destination` can name, by kind. Adding a sink is one file with its type plus one entry in
/// ``standard``.
public struct SinkRegistry: Sendable {
    /// What a sink is made from: the run's destination, the destination account's credentials and the HTTP client.
    public struct Context: Sendable {
        public var destination: RunDestination
        public var account: ConnectorAccount
        public var client: ProviderClient

        /// Creates a context.
        public init(destination: RunDestination, account: ConnectorAccount, client: ProviderClient) {
            self.destination = destination
            self.account = account
            self.client = client
        }
    }

    /// Makes a sink for a destination.
    public typealias Factory = @Sendable (Context) -> any RecordSink

    let factories: [RunDestination.Kind: Factory]

    /// Creates a registry.
    public init(_ factories: [RunDestination.Kind: Factory]) {
        self.factories = factories
    }

    /// The sinks this build ships.
    public static let standard = SinkRegistry([
        .zendeskTicketImport: { context in
            ZendeskTicketImport(
                client: context.client, account: context.account, bufferSize: context.destination.bufferSize,
                maxRetries: context.destination.maxRetries
            )
        }
    ])

    /// The sink for a destination; nil when this build has none of its kind.
    public func sink(for context: Context) -> (any RecordSink)? {
        factories[context.destination.kind].map { $0(context) }
    }
}

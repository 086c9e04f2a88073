import SyncBridgeCore

/// The integrations a process offers, by name — each connector with the descriptor it supplies — and the sinks a
/// run's `destination` can name. Built once per process and injected into the API and the engine, so both always
/// agree on what exists. Adding an integration is its connector (with its descriptor) plus one entry in
/// ``standard(client:)``.
public struct IntegrationRegistry: Sendable {
    let connectors: [String: any Connector]
    /// The sinks a run's `destination` can name.
    public let sinks: SinkRegistry
    /// The provider client the connectors share (with its request budget), for destination writes (nil: none given).
    public let providerClient: ProviderClient?

    /// Creates a registry from connectors (the last one wins when two share a name) and sinks.
    public init(_ connectors: [any Connector], sinks: SinkRegistry = .standard, providerClient: ProviderClient? = nil) {
        var byName: [String: any Connector] = [:]
        for c in connectors { byName[c.integrationName] = c }
        self.connectors = byName
        self.sinks = sinks
        self.providerClient = providerClient
    }

    /// The integrations this build ships, sharing one provider client.
    public static func standard(client: ProviderClient) -> IntegrationRegistry {
        IntegrationRegistry([ZendeskConnector(client: client)], providerClient: client)
    }

    /// The connector for an integration.
    public func connector(for integrationName: String) -> (any Connector)? {
        connectors[integrationName]
    }

    /// The descriptor of an integration: what its accounts' contexts must hold.
    public func descriptor(for integrationName: String) -> IntegrationDescriptor? {
        connectors[integrationName]?.descriptor
    }

    /// The integrations' names, sorted.
    public var names: [String] { connectors.keys.sorted() }

    /// An account as the API and its events show it, with its integration's `warnings`.
    public func render(_ account: IntegratedAccount) -> JSONValue {
        account.apiJSON(warnings: descriptor(for: account.integrationName)?.warnings(account.fullContext) ?? [])
    }
}

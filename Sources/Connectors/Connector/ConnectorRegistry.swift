/// The connectors a process offers, by integration name.
public struct ConnectorRegistry: Sendable {
    let connectors: [String: any Connector]
    /// The sinks a run's `destination` can name.
    public let sinks: SinkRegistry

    /// Creates a registry from connectors (the last one wins when two share a name) and sinks.
    public init(_ connectors: [any Connector], sinks: SinkRegistry = .standard) {
        var byName: [String: any Connector] = [:]
        for c in connectors { byName[c.integrationName] = c }
        self.connectors = byName
        self.sinks = sinks
    }

    /// The connectors this build ships, sharing one provider client.
    public static func standard(client: ProviderClient) -> ConnectorRegistry {
        ConnectorRegistry([ZendeskConnector(client: client)])
    }

    /// The connector for an integration.
    public func connector(for integrationName: String) -> (any Connector)? {
        connectors[integrationName]
    }
}

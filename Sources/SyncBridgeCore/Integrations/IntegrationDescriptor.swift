import Foundation

/// What the API needs to know about an integration before any connector runs: its name and how to tell whether an
/// account's context holds usable credentials. Each connector supplies its own (``Connector/descriptor``), and the
/// process's ``IntegrationRegistry`` is where they are found.
public struct IntegrationDescriptor: Sendable {
    /// The integration's name (`zendesk`).
    public let name: String
    /// Checks a context (settings and secrets together); returns the failures, empty when usable.
    public let check: @Sendable ([String: JSONValue]) -> [FieldFailure]
    /// What an account with this context should know about (credentials that will stop working), for people.
    public let warnings: @Sendable ([String: JSONValue]) -> [String]

    /// Creates a descriptor.
    public init(
        name: String, check: @escaping @Sendable ([String: JSONValue]) -> [FieldFailure],
        warnings: @escaping @Sendable ([String: JSONValue]) -> [String] = { _ in [] }
    ) {
        self.name = name
        self.check = check
        self.warnings = warnings
    }
}

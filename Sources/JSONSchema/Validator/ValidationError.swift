/// One way an instance fails a schema, located in both (JSON Pointers).
public struct ValidationError: Sendable, Equatable, CustomStringConvertible {
    /// Where in the instance (`/ticket_sync_start_date`).
    public let instanceLocation: String
    /// Which keyword failed (`/properties/ticket_sync_start_date/format`).
    public let keywordLocation: String
    /// What is wrong, for people.
    public let message: String

    /// Creates an error.
    public init(instanceLocation: String, keywordLocation: String, message: String) {
        self.instanceLocation = instanceLocation
        self.keywordLocation = keywordLocation
        self.message = message
    }

    public var description: String {
        "\(instanceLocation.isEmpty ? "/" : instanceLocation): \(message)"
    }
}

/// Why a schema could not be compiled.
public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the schema (JSON Pointer).
    public let keywordLocation: String
    /// What is wrong.
    public let message: String

    public init(keywordLocation: String, message: String) {
        self.keywordLocation = keywordLocation
        self.message = message
    }

    public var description: String { "\(keywordLocation.isEmpty ? "/" : keywordLocation): \(message)" }
}

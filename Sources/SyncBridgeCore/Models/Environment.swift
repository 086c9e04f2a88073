import Foundation

/// An isolated space of resources; every API token belongs to exactly one.
public struct Environment: Sendable, Equatable {
    public var id: UUID
    /// Unique, human-chosen name (`default`, `staging`).
    public var name: String
    public var createdAt: Date

    /// Creates an environment.
    public init(id: UUID = UUID(), name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// An API token's record. The token itself is never stored: only its SHA-256 hash.
public struct APIToken: Sendable, Equatable {
    public var id: UUID
    public var environmentId: UUID
    /// A name for people (`ci`, `alice-laptop`).
    public var name: String
    /// Lowercase hex SHA-256 of the token.
    public var tokenHash: String
    public var createdAt: Date

    /// Creates a token record.
    public init(id: UUID = UUID(), environmentId: UUID, name: String, tokenHash: String, createdAt: Date) {
        self.id = id
        self.environmentId = environmentId
        self.name = name
        self.tokenHash = tokenHash
        self.createdAt = createdAt
    }
}

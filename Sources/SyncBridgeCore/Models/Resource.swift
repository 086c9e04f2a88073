import Foundation

/// A top-level API resource that lives in one environment and is stored as a JSON document.
public protocol Resource: Sendable {
    /// The path segment and error noun of the resource (`webhook`, `sync-job`).
    static var resourceName: String { get }
    /// The resource's id.
    var id: UUID { get }
    /// The environment the resource belongs to; other environments cannot see it.
    var environmentId: UUID { get }
    /// When it was created.
    var createdAt: Date { get }
    /// When it last changed.
    var updatedAt: Date { get set }
    /// The complete representation, secrets included, as stored: the canonical form, in the current
    /// `StoredFormat` version. ``apiJSON`` is a view of it; renaming an API member changes only that view, and a change
    /// here is a new storage format version with its upgrade step.
    var stored: JSONValue { get }
    /// Rebuilds the resource from ``stored``.
    init(stored: JSONValue) throws(SyncBridgeError)
    /// The representation returned by the API (never contains secrets).
    var apiJSON: JSONValue { get }
}

extension Resource {
    /// The members every resource shares.
    var commonMembers: [String: JSONValue] {
        [
            "id": .string(id.lowercased),
            "environment_id": .string(environmentId.lowercased),
            "created_at": createdAt.json,
            "updated_at": updatedAt.json,
        ]
    }
}

extension FieldReader {
    /// Reads `id`, `environment_id`, `created_at`, `updated_at` of a stored resource.
    func common() -> (id: UUID, environmentId: UUID, createdAt: Date, updatedAt: Date)? {
        guard let id = uuid("id", required: true), let env = uuid("environment_id", required: true),
            let created = date("created_at", required: true), let updated = date("updated_at", required: true)
        else { return nil }
        return (id, env, created, updated)
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Merges `other` into a copy of `self`, `other` winning.
    public func merging(_ other: [String: JSONValue]) -> [String: JSONValue] {
        merging(other, uniquingKeysWith: { _, new in new })
    }
}

extension JSONValue {
    /// The object without `keys` (other values unchanged).
    public func removing(_ keys: [String]) -> JSONValue {
        guard case .object(var o) = self else { return self }
        for key in keys { o[key] = nil }
        return .object(o)
    }
}

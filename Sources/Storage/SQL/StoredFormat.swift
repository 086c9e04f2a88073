import Foundation
import SyncBridgeCore

/// The version of the stored form of documents (the `data` column of every resource table), kept in the document
/// as `_format`. A binary reads every version up to ``current``, lifting older documents step by step
/// (``upgrades``), and refuses newer ones with `stored_format_unsupported`: during a rolling upgrade an old worker
/// must never misread, or write back, a row a newer one wrote.
///
/// Changing a stored document's shape is: bump ``current``, and add the step from the previous version.
public enum StoredFormat {
    /// The version this binary writes.
    public static let current = 1

    /// Steps that lift a document of version `key` to version `key + 1`, by table. Version 0 is a document written
    /// before versions existed (no `_format`); version 1 has the same members.
    static let upgrades: [Int: @Sendable (_ table: String, _ members: inout [String: JSONValue]) -> Void] = [
        0: { _, _ in }
    ]

    /// The member that holds the version.
    static let member = "_format"

    /// Marks a document as written in the current version.
    static func stamp(_ members: inout [String: JSONValue]) {
        members[member] = .number(Double(current))
    }

    /// Reads the version of a document, lifts it to the current version, and removes the marker; throws for a
    /// version newer than this binary knows (or a marker that is not a version).
    static func lift(_ members: inout [String: JSONValue], table: String) throws(SyncBridgeError) {
        var version = 0
        if let marker = members.removeValue(forKey: member) {
            guard let n = marker.numberValue, n >= 0, n == n.rounded(), n < 1_000_000 else {
                throw SyncBridgeError(
                    .internalError, code: "corrupt_record",
                    message: "\(table) row has a storage format marker that is not a version: \(marker.jsonString())")
            }
            version = Int(n)
        }
        guard version <= current else {
            throw SyncBridgeError(
                .internalError, code: "stored_format_unsupported",
                message:
                    "A \(table) row was written in storage format \(version) by a newer SyncBridge; this binary reads formats up to \(current). Upgrade this process."
            )
        }
        while version < current {
            upgrades[version]?(table, &members)
            version += 1
        }
    }
}

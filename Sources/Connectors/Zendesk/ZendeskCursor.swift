import Foundation
import SyncBridgeCore

/// The opaque cursor SyncBridge hands out for Zendesk lists: the provider's next URL, relative to the account's base
/// (so it survives a base URL change of the proxy in front), base64url-encoded. Cursors of incremental exports also
/// carry the export position of the last record already returned, so records the provider repeats on the next page
/// are dropped (see ``ExportPosition``).
struct ZendeskCursor: Equatable {
    /// Path and query under `/api/v2/`.
    var path: String
    /// The last export position returned before this page; nil for plain lists.
    var after: ExportPosition?

    /// Encodes an absolute or relative next-page URL.
    static func encode(_ url: String, after: ExportPosition? = nil) -> String? {
        guard let relative = relative(url) else { return nil }
        let text = relative + (after.map { "\n\($0.timestamp)|\($0.id)" } ?? "")
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a cursor back to a path and query under `/api/v2/`, with the export position when there is one.
    static func decode(_ cursor: String) throws(ConnectorError) -> ZendeskCursor {
        var b64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        let invalid = ConnectorError(.invalidRequest, message: "cursor '\(cursor)' is not a cursor this connector issued")
        guard let data = Data(base64Encoded: b64), let text = String(data: data, encoding: .utf8), text.hasPrefix("/api/v2/") else {
            throw invalid
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count <= 2 else { throw invalid }
        guard lines.count == 2 else { return ZendeskCursor(path: text) }
        let parts = lines[1].split(separator: "|")
        guard parts.count == 2, let ts = Int64(parts[0]), let id = Int64(parts[1]) else { throw invalid }
        return ZendeskCursor(path: String(lines[0]), after: ExportPosition(timestamp: ts, id: id))
    }

    /// `https://x.zendesk.com/api/v2/tickets.json?page[after]=…` → `/api/v2/tickets.json?page[after]=…`.
    static func relative(_ url: String) -> String? {
        if url.hasPrefix("/") { return url }
        guard let components = URLComponents(string: url), !components.percentEncodedPath.isEmpty else { return nil }
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}

/// Where a record sits in an incremental export, which Zendesk orders by change time, then id: `generated_timestamp`
/// (tickets) or `updated_at` (users), and the id. A record at or before the last position already returned is a
/// repeat of the same version and is dropped; a record changed again during the export comes back with a later time
/// and is kept, so the newest version is always delivered last.
struct ExportPosition: Equatable, Comparable {
    var timestamp: Int64
    var id: Int64

    init(timestamp: Int64, id: Int64) {
        self.timestamp = timestamp
        self.id = id
    }

    /// The position of a raw export record; nil when it has no id or no time (or numbers that are no whole numbers).
    init?(_ record: JSONValue) {
        guard let id = record["id"]?.integerValue else { return nil }
        if let generated = record["generated_timestamp"]?.integerValue {
            timestamp = generated
        } else if let s = record["updated_at"]?.stringValue, let date = Timestamp.parse(s) {
            timestamp = Int64(date.timeIntervalSince1970.rounded(.down))
        } else {
            return nil
        }
        self.id = id
    }

    static func < (a: ExportPosition, b: ExportPosition) -> Bool { (a.timestamp, a.id) < (b.timestamp, b.id) }
}

import Foundation

/// The opaque cursor SyncBridge hands out for Zendesk lists: the provider's next URL, relative to the account's base
/// (so it survives a base URL change of the proxy in front), base64url-encoded.
enum ZendeskCursor {
    /// Encodes an absolute or relative next-page URL.
    static func encode(_ url: String) -> String? {
        guard let relative = relative(url) else { return nil }
        return Data(relative.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a cursor back to a path and query under `/api/v2/`.
    static func decode(_ cursor: String) throws(ConnectorError) -> String {
        var b64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let path = String(data: data, encoding: .utf8), path.hasPrefix("/api/v2/") else {
            throw ConnectorError(.invalidRequest, message: "cursor '\(cursor)' is not a cursor this connector issued")
        }
        return path
    }

    /// `https://x.zendesk.com/api/v2/tickets.json?page[after]=…` → `/api/v2/tickets.json?page[after]=…`.
    static func relative(_ url: String) -> String? {
        if url.hasPrefix("/") { return url }
        guard let components = URLComponents(string: url), !components.percentEncodedPath.isEmpty else { return nil }
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}

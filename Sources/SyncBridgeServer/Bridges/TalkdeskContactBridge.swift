import Connectors
import Foundation
import Logging
import SyncBridgeCore

/// Talkdesk's contact-synchronization bridge protocol over an integrated account's contacts.
///
/// One call answers one page: without `synchronization_checkpoint` it walks every contact (initial sync), with one
/// only the contacts changed after it (incremental). Contacts come in ascending order of the checkpoint's position
/// (`updated_at`, then id); `next_offset` is the connector's opaque cursor; `context` carries the position reached so
/// far between pages, so every answer's checkpoint is the last contact handed over.
struct TalkdeskContactBridge {
    let connector: any Connector
    let account: ConnectorAccount
    let logger: Logger

    /// The request's `meta`.
    struct Meta: Sendable {
        var checkpoint: TalkdeskCheckpoint?
        var offset: String?
        /// The position reached by earlier pages of this sync (from `context.reached`).
        var reached: TalkdeskCheckpoint?
    }

    /// One page of the answer.
    func page(_ meta: Meta) async throws(ConnectorError) -> JSONValue {
        let since = meta.checkpoint?.date ?? Date(timeIntervalSince1970: 0)
        let request = ConnectorRequest(
            resource: "ticketing/contacts", method: "list",
            query: ["updated_at": ["gte": .string(Timestamp.format(since))], "truto_ignore_remote_data": false],
            cursor: meta.offset
        )
        let page = try await connector.fetch(request, account: account, logger: logger)
        var reached = meta.reached ?? meta.checkpoint
        var kept: [(contact: JSONValue, position: TalkdeskCheckpoint)] = []
        for contact in page.records {
            guard let position = TalkdeskCheckpoint(contact: contact) else { continue }
            if let checkpoint = meta.checkpoint, checkpoint.covers(position) { continue }
            kept.append((contact, position))
            if reached.map({ $0 < position }) ?? true { reached = position }
        }
        let companies = try await organizationNames(kept.compactMap { $0.contact["account_id"]?.stringValue })
        let contacts = kept.map { Self.talkdeskContact($0.contact, companies: companies) }
        return [
            "contacts": .array(contacts),
            "next_offset": page.nextCursor.map(JSONValue.string) ?? .null,
            "synchronization_checkpoint": reached.map { .string($0.text) } ?? .null,
            "context": page.nextCursor != nil ? ["reached": reached.map { .string($0.text) } ?? .null] : .null,
        ]
    }

    /// Organization names by id, fetched 100 at a time (Zendesk's show_many).
    func organizationNames(_ ids: [String]) async throws(ConnectorError) -> [String: String] {
        var unique: [String] = []
        var seen = Set<String>()
        for id in ids where seen.insert(id).inserted { unique.append(id) }
        var names: [String: String] = [:]
        var start = 0
        while start < unique.count {
            let chunk = Array(unique[start..<min(start + 100, unique.count)])
            start += 100
            let request = ConnectorRequest(resource: "organizations", method: "list", query: ["ids": .string(chunk.joined(separator: ","))])
            for organization in try await connector.fetch(request, account: account, logger: logger).records {
                guard let id = organization["id"]?.integerValue, let name = organization["name"]?.stringValue else { continue }
                names[String(id)] = name
            }
        }
        return names
    }

    /// A unified contact as a Talkdesk contact: `id` and `name` always; the optional fields when known.
    static func talkdeskContact(_ c: JSONValue, companies: [String: String]) -> JSONValue {
        let raw = c["remote_data"] ?? .null
        var out: [String: JSONValue] = [
            "id": c["id"] ?? .null,
            "name": .string(c["name"]?.stringValue ?? c["emails"]?.arrayValue?.first?["email"]?.stringValue ?? ""),
            "emails": .array((c["emails"]?.arrayValue ?? []).compactMap { $0["email"] }),
            "phones": .array((c["phones"]?.arrayValue ?? []).compactMap { $0["number"] }),
        ]
        if let org = c["account_id"]?.stringValue, let company = companies[org] { out["company"] = .string(company) }
        if let photo = raw["photo"]?["content_url"]?.stringValue { out["photo_url"] = .string(photo) }
        if let api = raw["url"]?.stringValue, let range = api.range(of: "/api/v2/"), let id = c["id"]?.stringValue {
            out["url"] = .string(String(api[..<range.lowerBound]) + "/agent/users/" + id)
        }
        return .object(out)
    }
}

import Foundation
import SyncBridgeCore

/// Zendesk objects mapped to Truto's unified ticketing schema. Ids are strings, as in the unified API; the raw
/// Zendesk object is kept under `remote_data`.
enum ZendeskUnified {
    /// `12` → `"12"`; strings pass through; anything else is null.
    static func id(_ v: JSONValue?) -> JSONValue {
        switch v {
        case .number(let n)?: .string(String(Int64(n)))
        case .string(let s)?: .string(s)
        default: .null
        }
    }

    /// `{"id": "<id>"}` or null.
    static func ref(_ v: JSONValue?) -> JSONValue {
        let i = id(v)
        return i.isNull ? .null : ["id": i]
    }

    static func user(_ u: JSONValue) -> JSONValue {
        let role = u["role"]?.stringValue ?? "end-user"
        var roles: [JSONValue] = [["id": .string(role), "name": .string(role)]]
        if let custom = u["custom_role_id"], !custom.isNull { roles.append(["id": id(custom), "name": "custom"]) }
        return [
            "id": id(u["id"]),
            "name": u["name"] ?? .null,
            "emails": emails(u),
            "is_active": u["active"] ?? true,
            "roles": .array(roles),
            "created_at": u["created_at"] ?? .null,
            "updated_at": u["updated_at"] ?? .null,
            "remote_data": u,
        ]
    }

    static func contact(_ u: JSONValue) -> JSONValue {
        var phones: [JSONValue] = []
        if let phone = u["phone"]?.stringValue, !phone.isEmpty { phones.append(["number": .string(phone), "type": "phone"]) }
        return [
            "id": id(u["id"]),
            "name": u["name"] ?? .null,
            "emails": emails(u),
            "phones": .array(phones),
            "account_id": id(u["organization_id"]),
            "custom_fields": u["user_fields"] ?? .object([:]),
            "created_at": u["created_at"] ?? .null,
            "updated_at": u["updated_at"] ?? .null,
            "remote_data": u,
        ]
    }

    static func emails(_ u: JSONValue) -> JSONValue {
        guard let email = u["email"]?.stringValue, !email.isEmpty else { return [] }
        return [["email": .string(email), "is_primary": true]]
    }

    static func ticket(_ t: JSONValue, baseURL: String) -> JSONValue {
        let status = t["status"]?.stringValue ?? "open"
        let ticketId = id(t["id"])
        var assignees: [JSONValue] = []
        if let a = t["assignee_id"], !a.isNull { assignees.append(["id": id(a)]) }
        return [
            "id": ticketId,
            "number": ticketId,
            "name": t["subject"] ?? .null,
            "description": t["description"] ?? .null,
            "status": ["id": .string(status), "name": .string(status)],
            "priority": t["priority"] ?? .null,
            "type": t["type"] ?? .null,
            "assignees": .array(assignees),
            "created_by": ref(t["submitter_id"]),
            "contact": ref(t["requester_id"]),
            "tags": t["tags"] ?? [],
            "ticket_url": ticketId.stringValue.map { .string("\(baseURL)/agent/tickets/\($0)") } ?? .null,
            "created_at": t["created_at"] ?? .null,
            "updated_at": t["updated_at"] ?? .null,
            "etag": .string("\(ticketId.stringValue ?? ""):\(t["updated_at"]?.stringValue ?? "")"),
            "remote_data": t,
        ]
    }

    static func comment(_ c: JSONValue, ticketId: String) -> JSONValue {
        let attachments = (c["attachments"]?.arrayValue ?? []).map { a -> JSONValue in
            [
                "id": id(a["id"]), "file_name": a["file_name"] ?? .null, "content_type": a["content_type"] ?? .null,
                "size": a["size"] ?? .null, "url": a["content_url"] ?? .null,
            ]
        }
        return [
            "id": id(c["id"]),
            "body": c["plain_body"] ?? c["body"] ?? .null,
            "html_body": c["html_body"] ?? .null,
            "author": ["id": id(c["author_id"]), "type": "user"],
            "ticket": ["id": .string(ticketId)],
            "is_private": .bool(!(c["public"]?.boolValue ?? true)),
            "attachments": .array(attachments),
            "created_at": c["created_at"] ?? .null,
            "updated_at": c["created_at"] ?? .null,
            "remote_data": c,
        ]
    }
}

import Foundation
import SyncBridgeCore

/// Zendesk objects mapped to Truto's unified ticketing schema. Ids are strings, as in the unified API; the raw
/// Zendesk object is kept under `remote_data`.
enum ZendeskUnified {
    /// `12` → `"12"`; strings pass through; anything else (a number that is no whole number, whatever the provider
    /// sent) is null.
    static func id(_ v: JSONValue?) -> JSONValue {
        switch v {
        case .number?: v?.integerValue.map { .string(String($0)) } ?? .null
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

    /// Built member by member into a dictionary of its final size: this runs for every ticket of every sync.
    static func ticket(_ t: JSONValue, baseURL: String) -> JSONValue {
        guard case .object(let raw) = t else { return .null }
        let status = raw["status"]?.stringValue ?? "open"
        let ticketId = id(raw["id"])
        let updatedAt = raw["updated_at"] ?? .null
        var assignees: [JSONValue] = []
        if let a = raw["assignee_id"], !a.isNull { assignees.append(.object(["id": id(a)])) }
        var o = [String: JSONValue](minimumCapacity: 17)
        o["id"] = ticketId
        o["number"] = ticketId
        o["name"] = raw["subject"] ?? .null
        o["description"] = raw["description"] ?? .null
        o["status"] = .object(["id": .string(status), "name": .string(status)])
        o["priority"] = raw["priority"] ?? .null
        o["type"] = raw["type"] ?? .null
        o["assignees"] = .array(assignees)
        o["created_by"] = ref(raw["submitter_id"])
        o["contact"] = ref(raw["requester_id"])
        o["tags"] = raw["tags"] ?? []
        if case .string(let idText) = ticketId {
            o["ticket_url"] = .string(baseURL + "/agent/tickets/" + idText)
            o["etag"] = .string(idText + ":" + (updatedAt.stringValue ?? ""))
        } else {
            o["ticket_url"] = .null
            o["etag"] = .string(":" + (updatedAt.stringValue ?? ""))
        }
        o["created_at"] = raw["created_at"] ?? .null
        o["updated_at"] = updatedAt
        o["remote_data"] = t
        return .object(o)
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

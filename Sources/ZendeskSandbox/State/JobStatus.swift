import JSONCore
import SyncBridgeCore

/// A bulk job (`create_many`, imports): queued when created, working on the first poll, completed on the next.
struct JobStatus: Sendable {
    var id: String
    var jobType: String
    var total: Int
    var results: [JSONValue]
    var polls = 0

    var status: String {
        switch polls {
        case 0: "queued"
        case 1: "working"
        default: "completed"
        }
    }

    func json(base: String) -> JSONValue {
        let done = status == "completed"
        return [
            "id": .string(id), "url": .string("\(base)/api/v2/job_statuses/\(id).json"), "status": .string(status),
            "job_type": .string(jobType), "total": .number(Double(total)),
            "progress": .number(Double(done ? total : (status == "working" ? total / 2 : 0))),
            "message": done ? .string("Completed") : .null, "results": done ? .array(results) : .null,
        ]
    }
}

/// A Zendesk webhook registered with the sandbox.
struct ZendeskWebhook: Sendable {
    var id: String
    var name: String
    var endpoint: String
    var httpMethod: String
    var requestFormat: String
    var status: String
    var subscriptions: [String]
    var signingSecret: String
    var createdAt: Int64

    func json() -> JSONValue {
        [
            "id": .string(id), "name": .string(name), "endpoint": .string(endpoint), "http_method": .string(httpMethod),
            "request_format": .string(requestFormat), "status": .string(status), "subscriptions": .array(subscriptions.map { .string($0) }),
            "created_at": .string(Self.format(createdAt)), "updated_at": .string(Self.format(createdAt)), "created_by": "10000000000",
        ]
    }

    static func format(_ t: Int64) -> String { Timestamp.formatSeconds(t) }
}

/// A ticket trigger whose actions may notify webhooks.
struct ZendeskTrigger: Sendable {
    var id: Int64
    var title: String
    var active: Bool
    var conditions: JSONValue
    var actions: JSONValue
    var createdAt: Int64

    func json(base: String) -> JSONValue {
        [
            "id": .number(Double(id)), "url": .string("\(base)/api/v2/triggers/\(id).json"), "title": .string(title), "active": .bool(active),
            "conditions": conditions, "actions": actions, "created_at": .string(ZendeskWebhook.format(createdAt)),
            "updated_at": .string(ZendeskWebhook.format(createdAt)),
        ]
    }

    /// The webhook notifications of this trigger: (webhook id, body template).
    var notifications: [(String, String)] {
        (actions.arrayValue ?? []).compactMap { action in
            guard action["field"]?.stringValue == "notification_webhook", let v = action["value"]?.arrayValue, v.count == 2,
                let id = v[0].stringValue, let body = v[1].stringValue
            else { return nil }
            return (id, body)
        }
    }
}

import Foundation
import JSONCore
import SyncBridgeCore

/// Event-subscription webhooks: a webhook whose `subscriptions` name event types (`zen:event-type:user.created`, …)
/// receives Zendesk's event envelope, signed like trigger notifications, whenever such an event happens.
extension WebhookNotifier {
    /// The event types the sandbox emits.
    static let eventTypes: Set<String> = [
        "zen:event-type:ticket.created", "zen:event-type:ticket.status_changed", "zen:event-type:ticket.comment_added",
        "zen:event-type:user.created", "zen:event-type:user.deleted", "zen:event-type:organization.created",
    ]

    /// Delivers one event to every active webhook subscribed to its type.
    func event(_ type: String, subject: String, detail: JSONValue, event: JSONValue = [:], state: SandboxState, now: Int64) async {
        guard let client else { return }
        let hooks = state.read { s in s.webhooks.values.filter { $0.status == "active" && $0.subscriptions.contains(type) }.sorted { $0.id < $1.id } }
        guard !hooks.isEmpty else { return }
        let envelope: JSONValue = [
            "type": .string(type), "account_id": 1_000_001, "id": .string(UUID().uuidString.lowercased()),
            "time": .string(Timestamp.formatSeconds(now)), "zendesk_event_version": "2022-11-06", "subject": .string(subject),
            "detail": detail, "event": event,
        ]
        let body = envelope.jsonString()
        for hook in hooks { await deliver(body: body, to: hook, client: client, state: state) }
    }

    /// The events of a ticket change: created, status changed, comment added.
    func ticketEvents(old: Ticket?, new t: Ticket, comment: Comment?, state: SandboxState, now: Int64) async {
        let subject = "zen:ticket:\(t.id)"
        if old == nil {
            await event("zen:event-type:ticket.created", subject: subject, detail: t.eventDetail, state: state, now: now)
        } else if let old, old.status != t.status {
            await event(
                "zen:event-type:ticket.status_changed", subject: subject, detail: t.eventDetail,
                event: ["current": .string(t.status.uppercased()), "previous": .string(old.status.uppercased())], state: state, now: now
            )
        }
        if let comment, old != nil {
            await event(
                "zen:event-type:ticket.comment_added", subject: subject, detail: t.eventDetail,
                event: [
                    "comment": [
                        "id": .string(String(comment.id)), "body": .string(comment.body), "is_public": .bool(comment.isPublic),
                        "author": ["id": .string(String(comment.authorId)), "is_staff": true, "name": ""],
                    ]
                ],
                state: state, now: now
            )
        }
    }
}

extension Ticket {
    /// The ticket as event envelopes' `detail` shows it (ids as strings, status in capitals).
    var eventDetail: JSONValue {
        [
            "id": .string(String(id)), "subject": .string(subject), "description": .string(description), "status": .string(status.uppercased()),
            "priority": priority.map { .string($0.uppercased()) } ?? nil, "type": type.map { .string($0.uppercased()) } ?? nil,
            "requester_id": .string(String(requesterId)), "submitter_id": .string(String(submitterId)),
            "assignee_id": assigneeId.map { .string(String($0)) } ?? nil, "organization_id": organizationId.map { .string(String($0)) } ?? nil,
            "group_id": groupId.map { .string(String($0)) } ?? nil, "tags": .array(tags.map { .string($0) }), "is_public": true,
            "external_id": externalId.map { .string($0) } ?? nil, "via": ["channel": .string(channel)],
            "created_at": .string(Timestamp.formatSeconds(createdAt)), "updated_at": .string(Timestamp.formatSeconds(updatedAt)),
        ]
    }
}

extension User {
    var eventDetail: JSONValue {
        [
            "id": .string(String(id)), "email": .string(email), "role": .string(role), "external_id": externalId.map { .string($0) } ?? nil,
            "organization_id": organizationId.map { .string(String($0)) } ?? nil, "default_group_id": nil,
            "created_at": .string(Timestamp.formatSeconds(createdAt)), "updated_at": .string(Timestamp.formatSeconds(updatedAt)),
        ]
    }
}

extension Organization {
    var eventDetail: JSONValue {
        [
            "id": .string(String(id)), "name": .string(name), "external_id": nil, "group_id": nil, "shared_tickets": false, "shared_comments": false,
            "created_at": .string(Timestamp.formatSeconds(createdAt)), "updated_at": .string(Timestamp.formatSeconds(updatedAt)),
        ]
    }
}

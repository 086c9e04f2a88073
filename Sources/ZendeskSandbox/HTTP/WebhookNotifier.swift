import AsyncHTTPClient
import Crypto
import Foundation
import JSONCore
import Logging
import NIOCore
import NIOHTTP1
import SyncBridgeCore

/// Fires trigger notifications as Zendesk does: for each active trigger matching a ticket change, render its body
/// template and POST it to the webhook, signed with `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(secret,
/// timestamp + body)) and `X-Zendesk-Webhook-Signature-Timestamp`.
///
/// Deliveries are awaited before the API answers, so a test that changes a ticket sees the notification by the time
/// its request returns. Failed deliveries are retried twice, then dropped (and counted), as Zendesk gives up too.
struct WebhookNotifier: Sendable {
    let client: HTTPClient?
    let logger: Logger

    func ticketChanged(_ t: Ticket, created: Bool, state: SandboxState, base: String) async {
        guard let client else { return }
        let (triggers, hooks) = state.read { s in (Array(s.triggers.values), s.webhooks) }
        for trigger in triggers.sorted(by: { $0.id < $1.id }) where trigger.active && Self.matches(trigger, ticket: t, created: created) {
            for (hookId, template) in trigger.notifications {
                guard let hook = hooks[hookId], hook.status == "active" else { continue }
                let body = Self.render(template, ticket: t, base: base)
                await deliver(body: body, to: hook, client: client, state: state)
            }
        }
    }

    /// `update_type is Create|Change` and `status is/is_not x` are honoured; other conditions are treated as met.
    static func matches(_ trigger: ZendeskTrigger, ticket t: Ticket, created: Bool) -> Bool {
        func check(_ c: JSONValue) -> Bool {
            guard let field = c["field"]?.stringValue, let op = c["operator"]?.stringValue else { return true }
            let value = c["value"]?.stringValue ?? ""
            switch field {
            case "update_type": return (op == "is") == ((created ? "Create" : "Change") == value)
            case "status": return (op == "is") == (t.status == value)
            default: return true
            }
        }
        let all = trigger.conditions["all"]?.arrayValue ?? []
        let any = trigger.conditions["any"]?.arrayValue ?? []
        return all.allSatisfy(check) && (any.isEmpty || any.contains(where: check))
    }

    static func render(_ template: String, ticket t: Ticket, base: String) -> String {
        let values: [String: String] = [
            "ticket.id": String(t.id), "ticket.title": t.subject, "ticket.status": t.status, "ticket.priority": t.priority ?? "",
            "ticket.updated_at_with_timestamp": Timestamp.formatSeconds(t.updatedAt),
            "ticket.created_at_with_timestamp": Timestamp.formatSeconds(t.createdAt),
            "ticket.url": "\(base)/agent/tickets/\(t.id)", "ticket.tags": t.tags.joined(separator: " "), "ticket.description": t.description,
        ]
        var out = template
        for (k, v) in values {
            // Values land inside JSON string templates: escape them as JSON string content.
            let escaped = String(JSONValue.string(v).jsonString().dropFirst().dropLast())
            out = out.replacingOccurrences(of: "{{\(k)}}", with: escaped)
        }
        return out
    }

    static func signature(secret: String, timestamp: String, body: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data((timestamp + body).utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// The signed request for one delivery.
    static func request(body: String, to hook: ZendeskWebhook) -> HTTPClientRequest {
        let timestamp = Timestamp.formatSeconds(Int64(Date().timeIntervalSince1970))
        var request = HTTPClientRequest(url: hook.endpoint)
        request.method = HTTPMethod(rawValue: hook.httpMethod.uppercased())
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Zendesk-Account-Id", value: "1000001")
        request.headers.add(name: "X-Zendesk-Webhook-Id", value: hook.id)
        request.headers.add(name: "X-Zendesk-Webhook-Invocation-Id", value: UUID().uuidString.lowercased())
        request.headers.add(name: "X-Zendesk-Webhook-Signature-Timestamp", value: timestamp)
        request.headers.add(name: "X-Zendesk-Webhook-Signature", value: Self.signature(secret: hook.signingSecret, timestamp: timestamp, body: body))
        request.body = .bytes(ByteBuffer(string: body))
        return request
    }

    /// `POST /webhooks/test`: one signed request, no retries; the receiver's answer, or nil when none came.
    func test(body: String, to hook: ZendeskWebhook) async -> (status: Int, headers: [(String, String)], body: String)? {
        guard let client else { return nil }
        do {
            let response = try await client.execute(Self.request(body: body, to: hook), timeout: .seconds(12))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), response.headers.map { ($0.name, $0.value) }, String(buffer: bytes))
        } catch {
            return nil
        }
    }

    func deliver(body: String, to hook: ZendeskWebhook, client: HTTPClient, state: SandboxState) async {
        let request = Self.request(body: body, to: hook)
        for attempt in 0..<3 {
            do {
                let response = try await client.execute(request, timeout: .seconds(12))
                _ = try? await response.body.collect(upTo: 1 << 20)
                let ok = (200..<300).contains(Int(response.status.code))
                state.read { $0.stats.byEndpoint["webhook deliveries \(ok ? "succeeded" : "failed")", default: 0] += 1 }
                if ok || !(response.status.code == 429 || response.status.code >= 500) { return }
            } catch {
                state.read { $0.stats.byEndpoint["webhook deliveries failed", default: 0] += 1 }
                logger.debug("sandbox webhook delivery failed", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(100 * (attempt + 1)))
        }
    }
}

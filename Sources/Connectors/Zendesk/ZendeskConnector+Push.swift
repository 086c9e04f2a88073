import Crypto
import Foundation
import Logging
import NIOHTTP1
import SyncBridgeCore

/// Zendesk change notifications: a webhook pointing at SyncBridge and a ticket trigger that notifies it on every
/// ticket create or change, both created through the API (admin credentials) when the push trigger is created.
/// Notifications are signed `base64(HMAC-SHA256(secret, timestamp + body))` in
/// `X-Zendesk-Webhook-Signature`, with the timestamp in `X-Zendesk-Webhook-Signature-Timestamp`.
extension ZendeskConnector: ChangeNotifications {
    public func registrationProblem(_ account: IntegratedAccount) -> String? {
        ZendeskScopes.writeProblem(
            account, resources: ["webhooks", "triggers"], purpose: "a push trigger (it creates a webhook and a trigger in Zendesk)")
    }

    public func registerNotifications(
        endpoint: String, name: String, account: ConnectorAccount, logger: Logger
    ) async throws(ConnectorError) -> PushRegistration {
        let zendesk = try ZendeskAccount(account)
        let hook = try await client.json(
            .POST, url: zendesk.baseURL + "/api/v2/webhooks", headers: zendesk.headers,
            body: [
                "webhook": [
                    "name": .string(name), "endpoint": .string(endpoint), "http_method": "POST", "request_format": "json",
                    "status": "active", "subscriptions": ["conditional_ticket_events"],
                ]
            ],
            display: "POST /api/v2/webhooks", budget: zendesk.budget("/api/v2/webhooks"), logger: logger
        )
        guard let hookId = hook["webhook"]?["id"]?.stringValue else {
            throw ConnectorError(.badResponse, message: "webhook answer has no id", request: "POST /api/v2/webhooks")
        }
        do throws(ConnectorError) {
            let secret = try await client.json(
                url: zendesk.baseURL + "/api/v2/webhooks/\(hookId)/signing_secret", headers: zendesk.headers,
                display: "GET /api/v2/webhooks/\(hookId)/signing_secret", budget: zendesk.budget("/api/v2/webhooks"), logger: logger
            )
            guard let signingSecret = secret["signing_secret"]?["secret"]?.stringValue else {
                throw ConnectorError(
                    .badResponse, message: "signing secret answer has no secret", request: "GET /api/v2/webhooks/\(hookId)/signing_secret")
            }
            let body = #"{"ticket_id": "{{ticket.id}}", "updated_at": "{{ticket.updated_at_with_timestamp}}", "status": "{{ticket.status}}"}"#
            let trigger = try await client.json(
                .POST, url: zendesk.baseURL + "/api/v2/triggers", headers: zendesk.headers,
                body: [
                    "trigger": [
                        "title": .string(name), "active": true,
                        "conditions": [
                            "all": [],
                            "any": [
                                ["field": "update_type", "operator": "is", "value": "Create"],
                                ["field": "update_type", "operator": "is", "value": "Change"],
                            ],
                        ],
                        "actions": [["field": "notification_webhook", "value": [.string(hookId), .string(body)]]],
                    ]
                ],
                display: "POST /api/v2/triggers", budget: zendesk.budget("/api/v2/triggers"), logger: logger
            )
            guard let triggerId = trigger["trigger"]?["id"] else {
                throw ConnectorError(.badResponse, message: "trigger answer has no id", request: "POST /api/v2/triggers")
            }
            return PushRegistration(ids: ["webhook_id": .string(hookId), "trigger_id": ZendeskUnified.id(triggerId)], signingSecret: signingSecret)
        } catch {
            // Leave nothing half-registered behind.
            try? await deregisterNotifications(["webhook_id": .string(hookId)], account: account, logger: logger)
            throw error
        }
    }

    public func deregisterNotifications(_ ids: [String: JSONValue], account: ConnectorAccount, logger: Logger) async throws(ConnectorError) {
        let zendesk = try ZendeskAccount(account)
        var paths: [String] = []
        if let trigger = ids["trigger_id"]?.stringValue { paths.append("/api/v2/triggers/\(trigger)") }
        if let hook = ids["webhook_id"]?.stringValue { paths.append("/api/v2/webhooks/\(hook)") }
        for path in paths {
            do {
                _ = try await client.json(
                    .DELETE, url: zendesk.baseURL + path, headers: zendesk.headers, display: "DELETE \(path)", budget: zendesk.budget(path),
                    logger: logger)
            } catch  where error.code == .notFound {
                continue
            }
        }
    }

    public func verifyNotification(headers: [String: String], body: [UInt8], secret: String, now: Date, tolerance: TimeInterval) -> NotificationCheck
    {
        guard let signature = headers["x-zendesk-webhook-signature"], let timestamp = headers["x-zendesk-webhook-signature-timestamp"] else {
            return .unsigned
        }
        guard let sent = Timestamp.parse(timestamp), abs(now.timeIntervalSince(sent)) <= tolerance else { return .stale }
        guard let given = Data(base64Encoded: signature) else { return .invalidSignature }
        let key = SymmetricKey(data: Data(secret.utf8))
        let signed = Data(timestamp.utf8) + Data(body)
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: signed, using: key) ? .valid : .invalidSignature
    }
}

import Foundation
import JSONCore
import SyncBridgeCore

/// `/webhooks` (CRUD, signing secret and its reset, test) and `/triggers` (CRUD) — enough for SyncBridge to register
/// itself. Subscriptions are `conditional_ticket_events` (trigger notifications) or event types (`zen:event-type:…`).
struct WebhookRoutes: Sendable {
    let context: RouteContext
    var notifier: WebhookNotifier? = nil

    var state: SandboxState { context.state }
    var r: SandboxRequest { context.request }

    func handle() async throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        if s[0] == "triggers" { return try triggers() }
        switch (context.method, s.count) {
        case ("POST", 2) where s[1] == "test": return try await test()
        case ("GET", 1):
            let hooks = state.read { $0.webhooks.values.sorted { $0.id < $1.id }.map { $0.json() } }
            return .json([
                "webhooks": .array(hooks), "meta": ["has_more": false, "after_cursor": nil, "before_cursor": nil],
                "links": ["next": nil, "prev": nil],
            ])
        case ("POST", 1):
            guard let o = try r.json()["webhook"]?.objectValue else { throw SandboxError.invalid("Request body must contain a webhook object") }
            guard let endpoint = o["endpoint"]?.stringValue, URL(string: endpoint)?.scheme != nil else {
                throw TicketInput.invalid("endpoint", "Endpoint: is not a valid URL")
            }
            let subscriptions = o["subscriptions"]?.arrayValue?.compactMap(\.stringValue) ?? ["conditional_ticket_events"]
            for name in subscriptions where name != "conditional_ticket_events" && !WebhookNotifier.eventTypes.contains(name) {
                throw TicketInput.invalid("subscriptions", "Subscriptions: \(name) is not a supported event type")
            }
            let hook = state.read { st -> ZendeskWebhook in
                let n = state.random.value(11, st.requestCount)
                let id = "01" + String(format: "%024llX", n).prefix(24)
                let secret = Data((0..<4).flatMap { i in withUnsafeBytes(of: state.random.value(12, n, UInt64(i))) { Array($0) } })
                    .base64EncodedString()
                let hook = ZendeskWebhook(
                    id: id, name: o["name"]?.stringValue ?? "webhook", endpoint: endpoint, httpMethod: o["http_method"]?.stringValue ?? "POST",
                    requestFormat: o["request_format"]?.stringValue ?? "json", status: o["status"]?.stringValue ?? "active",
                    subscriptions: subscriptions,
                    signingSecret: secret, createdAt: context.now
                )
                st.webhooks[id] = hook
                return hook
            }
            return .json(["webhook": hook.json()], status: 201)
        case ("GET", 2):
            guard let hook = state.read({ $0.webhooks[s[1]] }) else { throw SandboxError.notFound() }
            return .json(["webhook": hook.json()])
        case ("PUT", 2), ("PATCH", 2):
            let o = try r.json()["webhook"]?.objectValue ?? [:]
            let hook = try state.withLock { st throws(SandboxError) -> ZendeskWebhook in
                guard var hook = st.webhooks[s[1]] else { throw SandboxError.notFound() }
                if let v = o["endpoint"]?.stringValue { hook.endpoint = v }
                if let v = o["status"]?.stringValue { hook.status = v }
                if let v = o["name"]?.stringValue { hook.name = v }
                st.webhooks[s[1]] = hook
                return hook
            }
            return context.method == "PUT" ? SandboxResponse(status: 204, body: []) : .json(["webhook": hook.json()])
        case ("DELETE", 2):
            let existed = state.read { $0.webhooks.removeValue(forKey: s[1]) != nil }
            guard existed else { throw SandboxError.notFound() }
            return SandboxResponse(status: 204, body: [])
        case ("GET", 3) where s[2] == "signing_secret":
            guard let hook = state.read({ $0.webhooks[s[1]] }) else { throw SandboxError.notFound() }
            return .json(["signing_secret": ["secret": .string(hook.signingSecret), "algorithm": "SHA256"]])
        case ("POST", 3) where s[2] == "signing_secret":
            // Resets the secret: later notifications are signed with the new one.
            let secret = try state.withLock { st throws(SandboxError) -> String in
                guard var hook = st.webhooks[s[1]] else { throw SandboxError.notFound() }
                let n = state.random.value(15, st.requestCount)
                hook.signingSecret = Data((0..<4).flatMap { i in withUnsafeBytes(of: state.random.value(16, n, UInt64(i))) { Array($0) } })
                    .base64EncodedString()
                st.webhooks[s[1]] = hook
                return hook.signingSecret
            }
            return .json(["signing_secret": ["secret": .string(secret), "algorithm": "SHA256"]], status: 201)
        default:
            throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
    }

    /// `POST /webhooks/test[?webhook_id=]` with `{"webhook": {"endpoint", "http_method", …}, "request": {"payload"}}`:
    /// sends one signed request (with the stored webhook's secret when `webhook_id` names one) and reports the answer.
    func test() async throws(SandboxError) -> SandboxResponse {
        let body = try r.json()
        var hook: ZendeskWebhook
        if let id = r.query["webhook_id"] {
            guard let stored = state.read({ $0.webhooks[id] }) else { throw SandboxError.notFound() }
            hook = stored
        } else {
            guard let o = body["webhook"]?.objectValue, let endpoint = o["endpoint"]?.stringValue, URL(string: endpoint)?.scheme != nil else {
                throw TicketInput.invalid("endpoint", "Endpoint: is not a valid URL")
            }
            hook = ZendeskWebhook(
                id: "01TEST", name: o["name"]?.stringValue ?? "test", endpoint: endpoint, httpMethod: o["http_method"]?.stringValue ?? "POST",
                requestFormat: o["request_format"]?.stringValue ?? "json", status: "active", subscriptions: [],
                signingSecret: "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==",
                createdAt: context.now
            )
        }
        if let endpoint = body["webhook"]?["endpoint"]?.stringValue { hook.endpoint = endpoint }
        let payload = body["request"]?["payload"]?.stringValue ?? #"{"message":"Test webhook from the Zendesk sandbox"}"#
        guard let answer = await notifier?.test(body: payload, to: hook) else {
            return .json(["response": ["status": 0, "headers": [], "body": "The endpoint did not respond"]])
        }
        let headers = JSONValue.array(answer.headers.map { ["key": .string($0.0), "value": .string($0.1)] })
        return .json(["response": ["status": .number(Double(answer.status)), "headers": headers, "body": .string(answer.body)]])
    }

    func triggers() throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        switch (context.method, s.count) {
        case ("GET", 1):
            let list = state.read { $0.triggers.values.sorted { $0.id < $1.id }.map { $0.json(base: context.base) } }
            return .json(["triggers": .array(list), "next_page": nil, "previous_page": nil, "count": .number(Double(list.count))])
        case ("POST", 1):
            guard let o = try r.json()["trigger"]?.objectValue else { throw SandboxError.invalid("Request body must contain a trigger object") }
            guard let title = o["title"]?.stringValue, let actions = o["actions"], actions.arrayValue != nil else {
                throw TicketInput.invalid("base", "Title and actions are required")
            }
            let trigger = state.read { st -> ZendeskTrigger in
                let t = ZendeskTrigger(
                    id: st.nextTriggerId, title: title, active: o["active"]?.boolValue ?? true,
                    conditions: o["conditions"] ?? ["all": [], "any": []],
                    actions: actions, createdAt: context.now
                )
                st.triggers[t.id] = t
                st.nextTriggerId += 1
                return t
            }
            return .json(["trigger": trigger.json(base: context.base)], status: 201)
        case ("GET", 2):
            guard let t = state.read({ $0.triggers[Int64(s[1]) ?? -1] }) else { throw SandboxError.notFound() }
            return .json(["trigger": t.json(base: context.base)])
        case ("DELETE", 2):
            let existed = state.read { $0.triggers.removeValue(forKey: Int64(s[1]) ?? -1) != nil }
            guard existed else { throw SandboxError.notFound() }
            return SandboxResponse(status: 204, body: [])
        default:
            throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
    }
}

import Delivery
import Foundation
import Hummingbird
import Storage
import SyncBridgeCore

/// `/webhook`: where events go.
struct WebhookRoutes {
    let api: APIServices

    static let fields: Set<String> = ["target_url", "is_active", "event_types"]

    func register(_ r: RouteRegistrar) {
        r.add(.post, "/webhook") { request, context in try await create(request, context) }
        r.add(.get, "/webhook") { request, context in try await api.list(Webhook.self, request, context) }
        r.add(.post, "/webhook/test") { request, context in try await test(request, context) }
        r.add(.get, "/webhook/:id") { _, context in try await api.get(Webhook.self, context) }
        r.add(.patch, "/webhook/:id") { request, context in try await update(request, context) }
        r.add(.delete, "/webhook/:id") { _, context in try await delete(context) }
    }

    func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let (url, active, types) = try await api.input(request, fields: Self.fields) { reader -> (String, Bool, [String])? in
            let url = readTargetURL(reader, required: true)
            let active = reader.bool("is_active") ?? true
            let types = readEventTypes(reader) ?? []
            return url.map { ($0, active, types) }
        }
        let now = api.now
        let webhook = Webhook(
            environmentId: env, targetURL: url, isActive: active, eventTypes: types, secret: Tokens.newWebhookSecret(),
            createdAt: now, updatedAt: now
        )
        try await api.store.transaction { try await $0.insert(webhook) }
        guard case .object(var body) = webhook.apiJSON else { return JSONResponse.make(webhook.apiJSON) }
        body["secret"] = .string(webhook.secret)
        return JSONResponse.make(.object(body), status: .created)
    }

    func update(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, Webhook.self)
        let failures = FailureCollector()
        let reader = FieldReader(try await api.body(request), failures: failures)
        reader.rejectUnknown(Self.fields)
        reader.refuseNulls()
        let url = readTargetURL(reader, required: false)
        let active = reader.bool("is_active")
        let types = readEventTypes(reader)
        try failures.throwIfAny()
        let now = api.now
        let updated = try await api.store.transaction { session in
            var webhook = try await session.require(Webhook.self, id: id, environmentId: env, forUpdate: true)
            if let url { webhook.targetURL = url }
            if let active { webhook.isActive = active }
            if let types { webhook.eventTypes = types }
            webhook.updatedAt = now
            try await session.update(webhook)
            return webhook
        }
        return JSONResponse.make(updated.apiJSON)
    }

    func delete(_ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, Webhook.self)
        try await api.store.transaction { session in
            _ = try await session.require(Webhook.self, id: id, environmentId: env, forUpdate: true)
            try await InUseCheck.ensureUnused(
                column: "webhook_id", id: id, environmentId: env, session: session, code: "webhook_in_use", noun: "Webhook"
            )
            _ = try await session.delete(Webhook.self, id: id, environmentId: env)
        }
        return JSONResponse.deleted(id.lowercased)
    }

    /// `POST /webhook/test {"id": …}`: sends a signed `test` event now and reports what the receiver answered.
    func test(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try await api.input(request, fields: ["id"]) { $0.uuid("id", required: true) }
        let webhook = try await api.store.transaction { try await $0.require(Webhook.self, id: id, environmentId: env) }
        let event = OutboxEvent(
            environmentId: env, webhookId: webhook.id, event: testEventName,
            payload: ["message": "Test event from SyncBridge", "webhook_id": .string(webhook.id.lowercased)], createdAt: api.now
        )
        let result = await api.sender.send(envelope: event.envelope, messageId: event.id.lowercased, to: webhook, logger: context.logger)
        return JSONResponse.make([
            "id": .string(webhook.id.lowercased),
            "event_id": .string(event.id.lowercased),
            "success": .bool(result.isSuccess),
            "status": result.status.map { .number(Double($0)) } ?? .null,
            "response_body": .string(result.responseBody),
            "error": result.error.json,
            "duration_ms": .number(result.duration.milliseconds.rounded()),
        ])
    }

    func readTargetURL(_ reader: FieldReader, required: Bool) -> String? {
        guard let url = reader.string("target_url", required: required) else { return nil }
        return EndpointURL.check(url, at: "target_url", failures: reader.failures) ? url : nil
    }

    func readEventTypes(_ reader: FieldReader) -> [String]? {
        guard let types = reader.stringArray("event_types") else { return nil }
        let known = Set(EventType.allCases.map(\.rawValue))
        for (i, t) in types.enumerated() where !known.contains(t) {
            reader.failures.add("event_types[\(i)]", "'\(t)' is not a known event type")
        }
        var seen = Set<String>()
        return types.filter { seen.insert($0).inserted }
    }
}

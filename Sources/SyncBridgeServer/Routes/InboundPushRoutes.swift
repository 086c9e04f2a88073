import Connectors
import Foundation
import Hummingbird
import Logging
import Storage
import SyncBridgeCore

/// `POST /inbound/push/:id`: where a provider delivers change notifications for a push trigger. No bearer token: the
/// provider's signature authenticates (unsigned → 401 `missing_signature`, older or newer than five minutes → 401
/// `stale_signature`, wrong → 401 `invalid_signature`). A valid notification only marks the trigger pending, durably,
/// before the 200; the push scheduler turns a burst into one run.
struct InboundPushRoutes {
    let api: APIServices

    static let tolerance: TimeInterval = 300

    func register(_ r: RouteRegistrar) {
        r.add(.post, "/inbound/push/:id") { request, context in
            let raw = context.parameters.get("id") ?? ""
            guard let id = UUID(uuidString: raw),
                let trigger = try await api.store.transaction({ try await $0.find(SyncJobPushTrigger.self, id: id, forUpdate: false) })
            else { throw SyncBridgeError.notFound(SyncJobPushTrigger.resourceName, id: raw) }
            let body = try await RequestBody.collect(request, upTo: api.configuration.maxBodyBytes, readDeadline: api.configuration.bodyReadTimeout)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let account = try await api.store.transaction {
                try await $0.fetch(IntegratedAccount.self, id: trigger.settings.integratedAccountId, environmentId: trigger.environmentId)
            }
            guard let account, let notifier = api.connectors.connector(for: account.integrationName) as? any ChangeNotifications else {
                throw SyncBridgeError.notFound(SyncJobPushTrigger.resourceName, id: raw)
            }
            let now = api.now
            switch notifier.verifyNotification(
                headers: headers, body: Array(body.readableBytesView), secret: trigger.signingSecret, now: now, tolerance: Self.tolerance)
            {
            case .valid: break
            case .unsigned: throw SyncBridgeError(.unauthorized, code: "missing_signature", message: "The notification is not signed.")
            case .stale:
                throw SyncBridgeError(
                    .unauthorized, code: "stale_signature", message: "The notification's signature timestamp is too old or in the future.")
            case .invalidSignature:
                throw SyncBridgeError(.unauthorized, code: "invalid_signature", message: "The notification's signature does not match.")
            }
            let pending = try await api.store.transaction { session -> Date? in
                guard var current = try await session.find(SyncJobPushTrigger.self, id: id, forUpdate: true) else { return nil }
                guard current.status == .active else { return nil }
                current.notified(at: now)
                current.updatedAt = now
                try await session.update(current)
                return current.pendingSince
            }
            context.logger.debug("push notification received", metadata: ["sync_job_push_trigger_id": "\(raw)"])
            return JSONResponse.make(["received": true, "pending_since": pending.json])
        }
    }
}

import Foundation
import Logging
import SyncBridgeCore

/// What a provider registration for change notifications created: ids to remove it by, and the signing secret.
public struct PushRegistration: Sendable, Equatable {
    /// Provider ids (`webhook_id`, `trigger_id`), kept with the push trigger.
    public var ids: [String: JSONValue]
    /// The secret the provider signs notifications with.
    public var signingSecret: String

    public init(ids: [String: JSONValue], signingSecret: String) {
        self.ids = ids
        self.signingSecret = signingSecret
    }
}

/// A connector whose provider can notify SyncBridge of changes: it registers an endpoint with the
/// provider, removes it again, and checks that a notification really comes from the provider.
public protocol ChangeNotifications: Sendable {
    /// Why `account` cannot register notifications (its OAuth grant is read-only, say), or nil when it can.
    func registrationProblem(_ account: IntegratedAccount) -> String?
    /// Registers `endpoint` to be called when records change; admin credentials required.
    func registerNotifications(endpoint: String, name: String, account: ConnectorAccount, logger: Logger) async throws(ConnectorError)
        -> PushRegistration
    /// Removes what ``registerNotifications(endpoint:name:account:logger:)`` created; already gone is fine.
    func deregisterNotifications(_ ids: [String: JSONValue], account: ConnectorAccount, logger: Logger) async throws(ConnectorError)
    /// Whether a notification is authentic and fresh: signed with `secret`, at most `tolerance` seconds from `now`.
    func verifyNotification(headers: [String: String], body: [UInt8], secret: String, now: Date, tolerance: TimeInterval) -> NotificationCheck
}

/// The verdict on an inbound notification.
public enum NotificationCheck: Sendable, Equatable {
    case valid
    /// Signature or timestamp header absent.
    case unsigned
    /// Timestamp outside the tolerance: possibly a replay.
    case stale
    /// The signature does not match the body.
    case invalidSignature
}

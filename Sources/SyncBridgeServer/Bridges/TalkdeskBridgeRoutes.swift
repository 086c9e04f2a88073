import Accounts
import Connectors
import Foundation
import Hummingbird
import Storage
import SyncBridgeCore

/// `POST /bridges/talkdesk/contacts`: the endpoint a Talkdesk contact-synchronization bridge is configured with.
///
/// Talkdesk sends `{auth, meta}` with no Authorization header, so `auth` authenticates instead: `api_token` is a
/// SyncBridge API token and `integrated_account_id` the account whose contacts to serve. The provider's own
/// credentials never travel in the request.
struct TalkdeskBridgeRoutes {
    let api: APIServices

    func register(_ r: RouteRegistrar) {
        r.add(.post, "/bridges/talkdesk/contacts") { request, context in
            let body = try await RequestBody.json(request, maxBytes: 1 << 20, readDeadline: api.configuration.bodyReadTimeout)
            let (account, connector) = try await authenticate(body["auth"])
            let meta = try Self.meta(body["meta"])
            let answer: JSONValue
            do throws(ConnectorError) {
                answer = try await api.tokens.withAccount(account, logger: context.logger) { view throws(ConnectorError) in
                    try await TalkdeskContactBridge(connector: connector, account: view, logger: context.logger).page(meta)
                }
            } catch {
                throw LiveAPIRoutes.translate(error)
            }
            return JSONResponse.make(answer)
        }
    }

    func authenticate(_ auth: JSONValue?) async throws -> (IntegratedAccount, any Connector) {
        guard let token = auth?["api_token"]?.stringValue, !token.isEmpty else {
            throw SyncBridgeError(.unauthorized, code: "missing_token", message: "auth.api_token is required: a SyncBridge API token.")
        }
        guard let found = try await api.store.transaction({ try await $0.token(hash: Tokens.hash(token)) }) else {
            throw SyncBridgeError(.unauthorized, code: "invalid_token", message: "auth.api_token is not a valid API token.")
        }
        guard let text = auth?["integrated_account_id"]?.stringValue, let id = UUID(uuidString: text) else {
            throw SyncBridgeError.validation([
                FieldFailure(path: "auth.integrated_account_id", message: "is required: the id of the integrated account")
            ])
        }
        let account = try await api.store.transaction { try await $0.require(IntegratedAccount.self, id: id, environmentId: found.environmentId) }
        guard account.status == .active else {
            throw SyncBridgeError(.conflict, code: "integrated_account_not_active", message: "Integrated account is '\(account.status.rawValue)'.")
        }
        guard let connector = api.connectors.connector(for: account.integrationName), connector.resources.contains("ticketing/contacts") else {
            throw SyncBridgeError(
                .badRequest, code: "integration_not_supported", message: "'\(account.integrationName)' has no contacts to synchronize.")
        }
        return (account, connector)
    }

    /// `meta.synchronization_checkpoint`, `meta.offset` and `meta.context`, all optional.
    static func meta(_ meta: JSONValue?) throws -> TalkdeskContactBridge.Meta {
        var out = TalkdeskContactBridge.Meta()
        if let raw = meta?["synchronization_checkpoint"], !raw.isNull {
            guard let text = raw.stringValue, let checkpoint = TalkdeskCheckpoint(text) else {
                throw SyncBridgeError.validation([
                    FieldFailure(
                        path: "meta.synchronization_checkpoint",
                        message: "must be a checkpoint this bridge returned, or a date such as '2012-11-20 23:01:00 UTC'")
                ])
            }
            out.checkpoint = checkpoint
        }
        if let raw = meta?["offset"], !raw.isNull {
            guard let text = raw.stringValue, !text.isEmpty else {
                throw SyncBridgeError.validation([FieldFailure(path: "meta.offset", message: "must be the next_offset this bridge returned")])
            }
            out.offset = text
        }
        if let reached = meta?["context"]?["reached"]?.stringValue { out.reached = TalkdeskCheckpoint(reached) }
        return out
    }
}

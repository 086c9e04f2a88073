import Connectors
import SyncBridgeCore

/// The first attempt at a resource's next page, made while the current page is being delivered, so the provider
/// and the webhook work at the same time. Only the attempt is early: its outcome is handled in turn (a rate limit
/// still sends `rate_limited` after the current page's `record`, a failure still retries or sends `record_error`),
/// the page is not part of the checkpoint until it is acknowledged, and at most one page waits in memory.
struct PageAhead: Sendable {
    /// The cursor the attempt asked for.
    let cursor: String
    let outcome: Result<ConnectorPage, ConnectorError>

    /// The outcome, when it is the page the walk now wants.
    func result(for cursor: String?) -> Result<ConnectorPage, ConnectorError>? {
        cursor == self.cursor ? outcome : nil
    }
}

extension RunExecutor {
    /// Sends an event (as ``send(_:_:)``) while asking the provider for the page at `next`, if any; returns that
    /// attempt. When the send fails, the attempt is cancelled.
    func send(_ type: EventType, _ payload: JSONValue, fetchingAhead step: SyncJobResource, scope: RunScope, next: String?) async throws -> PageAhead? {
        guard let next, let request = try? connectorRequest(step, scope: scope, cursor: next) else {
            try await send(type, payload)
            return nil
        }
        let call = caller()
        async let outcome = call(request)
        try await send(type, payload)
        return PageAhead(cursor: next, outcome: await outcome)
    }
}

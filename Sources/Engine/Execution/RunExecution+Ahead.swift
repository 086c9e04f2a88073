import Connectors
import SyncBridgeCore

/// The first attempt at a resource's next page, made while the current page is being delivered, so the provider
/// and the webhook work at the same time. Only the attempt is early: its outcome is handled in turn (a rate limit
/// still sends `rate_limited` after the current page's `record`, a failure still retries or sends `record_error`),
/// the page is not part of the checkpoint until it is acknowledged, and at most one page waits in memory.
struct PageAhead: Sendable {
    /// The resource and cursor the attempt asked for.
    let resource: Int
    let cursor: String?
    let outcome: Result<ConnectorPage, ConnectorError>

    /// The outcome, when it is the page the walk now wants.
    func result(for fetch: RunWalker.Fetch) -> Result<ConnectorPage, ConnectorError>? {
        fetch.resource == resource && fetch.cursor == cursor ? outcome : nil
    }
}

extension RunExecution {
    /// Writes a page (as ``write(_:payload:)``) while asking the provider for the page the walk wants next, when it
    /// says which; returns that attempt. When the write fails, the attempt is cancelled.
    func write(_ page: RunWalker.Delivery, payload: JSONValue, fetchingAhead ahead: RunWalker.Fetch?) async throws -> PageAhead? {
        guard let ahead, let request = try? connectorRequest(prepared.job.resources[ahead.resource], scope: ahead.scope, cursor: ahead.cursor) else {
            try await write(page, payload: payload)
            return nil
        }
        let source = self.source
        async let outcome = source.attempt(request)
        try await write(page, payload: payload)
        return PageAhead(resource: ahead.resource, cursor: ahead.cursor, outcome: await outcome)
    }

    /// The first attempt at `fetch`, made while the checkpoint of the last acknowledged page is saved (the two are
    /// independent: the page is not part of any checkpoint until it is delivered). The save's failure is rethrown.
    /// `request` is the fetch's request, rendered (nil when it could not be: only the save is made).
    func attemptWhileSaving(_ fetch: RunWalker.Fetch, request: ConnectorRequest?) async throws -> PageAhead? {
        guard let save = unsaved else { return nil }
        unsaved = nil
        guard let request else {
            try await save()
            return nil
        }
        let source = self.source
        async let durable: Void = save()
        let outcome = await source.attempt(request)
        try await durable
        return PageAhead(resource: fetch.resource, cursor: fetch.cursor, outcome: outcome)
    }
}

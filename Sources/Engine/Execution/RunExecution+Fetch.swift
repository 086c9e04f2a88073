import Connectors
import Foundation
import JSONata
import Logging
import Storage
import SyncBridgeCore

/// Provider requests with their failure handling: rate limits wait (with a `rate_limited` event), transient errors
/// retry with backoff, other errors go by the run's `error_handling`.
extension RunExecution {
    /// One page, or nil when the request failed and the run ignores errors (a `record_error` was sent).
    /// `early` is the outcome of a first attempt already made (see ``PageAhead``); failures are handled here exactly
    /// as if the attempt had been made now.
    /// `request` is the step's request as rendered (``connectorRequest(_:scope:cursor:)``); a failure to render it is
    /// the request's failure.
    func fetchPage(
        _ step: SyncJobResource, request rendered: Result<ConnectorRequest, ConnectorError>, early: Result<ConnectorPage, ConnectorError>? = nil
    )
        async throws -> ConnectorPage?
    {
        let request: ConnectorRequest
        switch rendered {
        case .success(let r): request = r
        case .failure(let error):
            // A stopped run's evaluation was cancelled (U1003): that is no failure of the request to report.
            try Task.checkCancellation()
            try await fetchFailed(step, error)
            return nil
        }
        var first = early
        while true {
            switch try await retrying.fetch(request, first: first) {
            case .page(let page):
                return page
            case .rateLimited(let error):
                try await waitOutRateLimit(step, error)
                first = nil
            case .unauthorized(let error):
                try await markNeedsReauth(error)
                throw RunInterruption.failed("\(step.resource): the provider rejected the account's credentials (\(error.message))")
            case .failed(let error):
                try await fetchFailed(step, error)
                return nil
            }
        }
    }

    /// One attempt at a page (through the account's request budget, which the connector's provider client waits
    /// for), needing nothing of the executor, so it can run beside it (a page fetched ahead, or while a checkpoint is
    /// saved).
    var source: any PageSource {
        ConnectorPageSource(connector: prepared.connector, account: prepared.account, tokens: services.tokens, logger: logger)
    }

    /// Attempts with the fetch policy's retries.
    var retrying: RetryingPageSource {
        RetryingPageSource(source: source, policy: services.configuration.fetch, clock: services.clock, logger: logger)
    }

    /// The request for a step: `id`, `query` and `body` rendered against the scope.
    func connectorRequest(_ step: SyncJobResource, scope: RunScope, cursor: String?) throws(ConnectorError) -> ConnectorRequest {
        var query: [String: JSONValue] = [:]
        switch step.query {
        case nil, .null?: break
        case .object?:
            query = step.query?.renderingTemplates(in: scope.value)?.objectValue ?? [:]
        case .string(let source)?:
            do {
                query = try queryExpression(source).evaluate(in: scope.value, now: now, timeLimit: services.configuration.queryTimeLimit)
            } catch {
                throw ConnectorError(.invalidRequest, message: error.description)
            }
        default:
            throw ConnectorError(.invalidRequest, message: "query must be an object")
        }
        var id: String?
        if let raw = step.id?.renderingTemplates(in: scope.value) {
            switch raw {
            case .string(let s): id = s
            case .number(let n): id = JSONValue.format(number: n)
            case .integer(let i): id = String(i)
            default: throw ConnectorError(.invalidRequest, message: "id rendered to \(raw.typeName), not a string or number")
            }
        }
        return ConnectorRequest(
            resource: step.resource, method: step.method, id: id, query: query, body: step.body?.renderingTemplates(in: scope.value),
            cursor: cursor
        )
    }

    /// The provider refused the credentials: the account becomes `needs_reauth` with the reason in `last_error`,
    /// and `integrated_account:authentication_error` goes to the subscribed webhooks (through the outbox).
    func markNeedsReauth(_ error: ConnectorError) async throws {
        let (env, accountId, now) = (self.env, prepared.account.id, self.now)
        let reason = "authentication failed: \(error.message)"
        let connectors = services.connectors
        try await store.transaction { session in
            // Already marked (a refused token refresh did it, with its event): nothing more to say.
            guard var account = try await session.fetch(IntegratedAccount.self, id: accountId, environmentId: env, forUpdate: true),
                account.status != .needsReauth
            else { return }
            account.status = .needsReauth
            account.lastError = reason
            account.updatedAt = now
            try await session.update(account)
            try await session.enqueue(
                try await AccountEvents.outbox(
                    [.integratedAccountAuthenticationError], account: account, payload: connectors.render(account), session: session, now: now))
        }
        logger.warning(
            "the provider rejected the account's credentials; account needs re-authentication",
            metadata: ["integrated_account_id": "\(accountId.lowercased)"])
    }

    /// The compiled query expression (compiled once per run and source).
    func queryExpression(_ source: String) throws(QueryExpression.Failure) -> QueryExpression {
        if let compiled = compiledQueries[source] { return compiled }
        do {
            let compiled = try QueryExpression(source)
            compiledQueries[source] = compiled
            return compiled
        } catch {
            throw QueryExpression.Failure(description: "query is not a valid JSONata expression: \(error.description)")
        }
    }

    /// The provider throttled us: tell the receiver, wait what it asked (capped), and carry on.
    func waitOutRateLimit(_ step: SyncJobResource, _ error: ConnectorError) async throws {
        try await flushSave()  // so resume_at is measured from when the event goes out
        let wait = min(services.configuration.maxRateLimitWait, max(0, error.retryAfter ?? 60))
        // The event is stamped with the instant `resume_at` is counted from.
        let sentAt = now
        let resumeAt = sentAt.addingTimeInterval(wait)
        run.status = .rateLimited
        logger.notice("rate limited by the provider", metadata: ["resource": "\(step.resource)", "retry_after": "\(wait)"])
        try await send(
            .syncJobRunRateLimited,
            payload(["resource": .string(step.resource), "retry_after": .number(wait), "resume_at": resumeAt.json]), createdAt: sentAt
        )
        try await services.clock.sleep(for: .seconds(max(0, resumeAt.timeIntervalSince(now))))
        rateLimitWaits += 1
        run.status = .running
        try await save()
    }

    /// A request failed for good: with `fail_fast` the run fails; with `ignore` a `record_error` is sent and the walk
    /// goes on with the next request.
    func fetchFailed(_ step: SyncJobResource, _ error: ConnectorError) async throws {
        count(step.resource, "errors")
        if run.settings.errorHandling == .failFast {
            throw RunInterruption.failed("\(step.resource) \(step.method) failed: \(error.description)")
        }
        logger.notice("provider request failed; continuing", metadata: ["resource": "\(step.resource)", "error": "\(error)"])
        try await send(
            .syncJobRunRecordError,
            payload([
                "resource": .string(step.resource),
                "method": .string(step.method),
                "error": [
                    "status": error.status.map { .number(Double($0)) } ?? .null,
                    "code": .string(error.code.rawValue),
                    "message": .string(error.message),
                    "request": error.request.map(JSONValue.string) ?? .null,
                ],
            ])
        )
    }
}

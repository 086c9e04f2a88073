import Connectors
import Foundation
import Logging
import SyncBridgeCore

/// Attempts with retries: a 5xx, a network error or a truncated or unparseable page (skipping it would lose its
/// records) is retried with the fetch policy's backoff, measured on the engine's clock. What cannot be retried comes
/// back for the executor to act on: a 429 (wait it out, with a `rate_limited` event), rejected credentials (the
/// account needs re-authentication), or a failure for good (`record_error` or `fail_fast`).
struct RetryingPageSource: Sendable {
    /// How a fetch ended.
    enum Outcome: Sendable {
        case page(ConnectorPage)
        /// The provider throttled the account.
        case rateLimited(ConnectorError)
        /// The provider rejected the account's credentials (after a token renewal was tried).
        case unauthorized(ConnectorError)
        /// The request failed for good.
        case failed(ConnectorError)
    }

    let source: any PageSource
    let policy: RetryPolicy
    let clock: any WallClock
    let logger: Logger

    /// Fetches `request`; `first` is the outcome of an attempt already made (early), handled as if made now.
    func fetch(_ request: ConnectorRequest, first: Result<ConnectorPage, ConnectorError>? = nil) async throws -> Outcome {
        var attempt = 0
        var made = first
        while true {
            try Task.checkCancellation()
            let outcome: Result<ConnectorPage, ConnectorError>
            if let early = made {
                outcome = early
                made = nil
            } else {
                outcome = await source.attempt(request)
            }
            let error: ConnectorError
            switch outcome {
            case .success(let page): return .page(page)
            case .failure(let e): error = e
            }
            switch error.code {
            case .rateLimited:
                return .rateLimited(error)
            case .unauthorized:
                return .unauthorized(error)
            case .transient, .badResponse:
                guard attempt + 1 < policy.maxAttempts else { return .failed(error) }
                attempt += 1
                let wait = policy.delay(afterAttempt: attempt)
                logger.notice("provider request failed; retrying", metadata: ["error": "\(error)", "wait_seconds": "\(wait)"])
                try await clock.sleep(for: .seconds(wait))
            default:
                return .failed(error)
            }
        }
    }
}

import Delivery
import Foundation
import Logging
import SyncBridgeCore

/// Delivers one event and waits for the receiver's acknowledgement, retrying as the policy says.
struct AcknowledgedDelivery: Sendable {
    /// How a delivery ended.
    enum Outcome: Sendable, Equatable {
        /// The receiver answered 2xx.
        case acknowledged
        /// The receiver answered 400 to an event it may refuse (`sync_job_run:started`).
        case refused(String)
        /// Every attempt failed; the last error.
        case exhausted(String)
        /// The receiver ended the delivery (410 Gone, `webhook-delivery: abort`) or cannot be reached at all.
        case aborted(String)
        /// The next attempt is further off than the park threshold: `attempts` were made, the last failed with
        /// `problem`, and the next is due at `until`. The caller parks (gives up its lease) and tries again then.
        case parked(until: Date, attempts: Int, problem: String)
    }

    let sender: WebhookSender
    let policy: RetryPolicy
    /// What the waits between attempts are measured on.
    let clock: any WallClock
    /// Where each attempt's outcome is recorded (nil: nowhere).
    var health: WebhookHealth?

    /// Sends until acknowledged. With `refusable`, a 400 ends the delivery as ``Outcome/refused(_:)``. `attempted`
    /// attempts were made before (by a process that parked the run); with `parkAfter`, a wait longer than that
    /// returns ``Outcome/parked(until:attempts:problem:)`` instead of being slept through.
    func deliver(
        envelope: JSONValue, id: UUID, webhook: Webhook, refusable: Bool, attempted: Int = 0, parkAfter: TimeInterval? = nil, logger: Logger
    ) async throws -> Outcome {
        var attempt = attempted
        while true {
            attempt += 1
            let result = await sender.send(envelope: envelope, messageId: id.lowercased, to: webhook, logger: logger)
            await health?.note(result, to: webhook, logger: logger)
            if result.isSuccess { return .acknowledged }
            // Interrupted (shutdown): the event stays unacknowledged and the next process sends it again.
            try Task.checkCancellation()
            let problem = Self.describe(result)
            if refusable && result.status == 400 { return .refused(problem) }
            if result.isFinal { return .aborted(problem) }
            if attempt >= policy.maxAttempts { return .exhausted(problem) }
            let wait = policy.delay(afterAttempt: attempt, retryAfter: result.retryAfter)
            if let parkAfter, wait > parkAfter {
                logger.notice(
                    "webhook did not acknowledge; parking the run until the next attempt",
                    metadata: ["attempt": "\(attempt)", "wait_seconds": "\(wait)", "problem": "\(problem)"])
                return .parked(until: clock.now().addingTimeInterval(wait), attempts: attempt, problem: problem)
            }
            logger.notice(
                "webhook did not acknowledge; retrying",
                metadata: ["attempt": "\(attempt)", "wait_seconds": "\(wait)", "problem": "\(problem)"]
            )
            try await clock.sleep(for: .seconds(wait))
        }
    }

    /// `HTTP 500: <body>` or the connection error.
    static func describe(_ result: DeliveryResult) -> String {
        if let status = result.status {
            let body = result.responseBody.isEmpty ? "" : ": \(result.responseBody.prefix(200))"
            return "HTTP \(status)\(body)"
        }
        return result.error ?? "no response"
    }
}

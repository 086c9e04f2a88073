import Connectors
import Foundation
import Logging
import SyncBridgeCore
import Synchronization
import Testing

@testable import Engine

/// The retry layer with plain values: a scripted page source and a clock that records its waits instead of waiting.
@Suite struct RetryingPageSourceTests {
    /// Answers each attempt with the next scripted outcome, counting attempts.
    final class Scripted: PageSource {
        let outcomes: Mutex<[Result<ConnectorPage, ConnectorError>]>
        let attempts = Atomic<Int>(0)
        init(_ outcomes: [Result<ConnectorPage, ConnectorError>]) { self.outcomes = Mutex(outcomes) }
        func attempt(_ request: ConnectorRequest) async -> Result<ConnectorPage, ConnectorError> {
            attempts.add(1, ordering: .relaxed)
            return outcomes.withLock { $0.isEmpty ? .failure(ConnectorError(.transient, message: "script ended")) : $0.removeFirst() }
        }
    }

    /// A clock whose waits end at once, remembering how long each was.
    final class RecordingClock: WallClock {
        let waits = Mutex<[Double]>([])
        func now() -> Date { Date(timeIntervalSince1970: 1_790_000_000) }
        func sleep(for duration: Duration) async throws {
            waits.withLock { $0.append(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18) }
        }
    }

    static let policy = RetryPolicy(quickRetries: 1, quickDelay: 1, baseDelay: 2, maxDelay: 30, maxAttempts: 4, jitter: 0)
    static let request = ConnectorRequest(resource: "ticketing/tickets", method: "list", id: nil, query: [:], body: nil, cursor: nil)
    static let page = ConnectorPage(records: [["id": 1]], nextCursor: nil)
    static func failure(_ code: ConnectorError.Code) -> Result<ConnectorPage, ConnectorError> {
        .failure(ConnectorError(code, message: code.rawValue))
    }

    func fetch(_ script: [Result<ConnectorPage, ConnectorError>], first: Result<ConnectorPage, ConnectorError>? = nil) async throws
        -> (RetryingPageSource.Outcome, attempts: Int, waits: [Double])
    {
        let source = Scripted(script)
        let clock = RecordingClock()
        let retrying = RetryingPageSource(source: source, policy: Self.policy, clock: clock, logger: Logger(label: "test"))
        let outcome = try await retrying.fetch(Self.request, first: first)
        return (outcome, source.attempts.load(ordering: .relaxed), clock.waits.withLock { $0 })
    }

    @Test func transientAndTruncatedPagesAreRetriedWithTheBackoffOnTheClock() async throws {
        let (outcome, attempts, waits) = try await fetch([Self.failure(.transient), Self.failure(.badResponse), Self.page.result])
        guard case .page(let page) = outcome else {
            Issue.record("expected a page, got \(outcome)")
            return
        }
        #expect(page.records == [["id": 1]])
        #expect(attempts == 3)
        #expect(waits == [1, 2])
    }

    @Test func afterTheLastAttemptTheFailureIsForGood() async throws {
        let (outcome, attempts, waits) = try await fetch(Array(repeating: Self.failure(.transient), count: 6))
        guard case .failed(let error) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(error.code == .transient)
        #expect(attempts == 4)
        #expect(waits == [1, 2, 4])
    }

    @Test func throttlingAndRejectedCredentialsGoBackToTheExecutorAtOnce() async throws {
        let (limited, a1, w1) = try await fetch([Self.failure(.rateLimited), Self.page.result])
        guard case .rateLimited = limited else {
            Issue.record("expected rateLimited, got \(limited)")
            return
        }
        #expect(a1 == 1 && w1.isEmpty)
        let (rejected, a2, _) = try await fetch([Self.failure(.unauthorized)])
        guard case .unauthorized = rejected else {
            Issue.record("expected unauthorized, got \(rejected)")
            return
        }
        #expect(a2 == 1)
        let (invalid, a3, w3) = try await fetch([Self.failure(.invalidRequest)])
        guard case .failed(let error) = invalid else {
            Issue.record("expected failed, got \(invalid)")
            return
        }
        #expect(error.code == .invalidRequest && a3 == 1 && w3.isEmpty)
    }

    @Test func anEarlyAttemptCountsAsTheFirst() async throws {
        let (outcome, attempts, waits) = try await fetch([Self.page.result], first: Self.failure(.transient))
        guard case .page = outcome else {
            Issue.record("expected a page, got \(outcome)")
            return
        }
        #expect(attempts == 1, "the early failure was the first attempt; one more was made")
        #expect(waits == [1])
    }
}

extension ConnectorPage {
    var result: Result<ConnectorPage, ConnectorError> { .success(self) }
}

/// Delivery schedules as operators write them.
@Suite struct DeliveryScheduleTests {
    @Test func schedulesReadWithUnitsAndRefuseNonsense() {
        #expect(RetryPolicy.schedule(parsing: "5s,5m,30m,2h,1d,7") == [5, 300, 1_800, 7_200, 86_400, 7])
        for bad in ["", "5x", "-5s", "1e308d", "31d", "nan", "5s,,oops"] {
            #expect(RetryPolicy.schedule(parsing: bad) == nil, "\(bad)")
        }
        let policy = RetryPolicy.scheduled([5, 300], jitter: 0)
        #expect(policy.maxAttempts == 3)
        #expect(policy.delay(afterAttempt: 1) == 5)
        #expect(policy.delay(afterAttempt: 2) == 300)
        #expect(policy.delay(afterAttempt: 2, retryAfter: 400) == 300, "Retry-After is a lower bound within the schedule's longest wait")
    }
}

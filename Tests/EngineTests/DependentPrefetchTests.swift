import Connectors
import JSONCore
import Testing

@testable import Engine

/// The bookkeeping of requests made ahead, with plain values: what starts, what waits, what is dropped.
@Suite struct DependentPrefetchTests {
    static func request(_ ticket: Int) -> ConnectorRequest {
        ConnectorRequest(resource: "ticketing/comments", method: "list", query: ["ticket_id": .number(Double(ticket))])
    }

    static func page(_ ticket: Int) -> Result<ConnectorPage, ConnectorError> {
        .success(ConnectorPage(records: [["id": .number(Double(ticket))]], nextCursor: nil))
    }

    static func records(_ taken: DependentPrefetch.Taken) -> [JSONValue]? {
        if case .ready(.success(let page)) = taken { return page.records }
        return nil
    }

    @Test func atMostLimitAreStartedAndEachIsTakenOnce() {
        var ahead = DependentPrefetch(limit: 3)
        let launches = ahead.plan((1...5).map(Self.request), waits: 0)
        #expect(launches.map(\.request) == (1...3).map(Self.request))
        #expect(ahead.occupied == 3)
        // Planning again starts nothing while three are occupied.
        #expect(ahead.plan((1...5).map(Self.request), waits: 0).isEmpty)
        guard case .pending(let serial) = ahead.take(Self.request(1), waits: 0) else {
            Issue.record("ticket 1 should be in flight")
            return
        }
        #expect(serial == launches[0].serial)
        ahead.finished(launches[1].serial, Self.page(2))
        ahead.finished(launches[0].serial, Self.page(1))
        #expect(Self.records(ahead.take(Self.request(1), waits: 0)) == [["id": 1]])
        // Taken once: asking again finds nothing, and ticket 2's answer waits in memory.
        if case .none = ahead.take(Self.request(1), waits: 0) {} else { Issue.record("ticket 1 was taken twice") }
        #expect(ahead.occupied == 2)
        #expect(ahead.plan((2...5).map(Self.request), waits: 0).map(\.request) == [Self.request(4)])
        #expect(Self.records(ahead.take(Self.request(2), waits: 0)) == [["id": 2]])
    }

    @Test func requestsTheWalkNoLongerMakesAreDropped() {
        var ahead = DependentPrefetch(limit: 4)
        let launches = ahead.plan((1...4).map(Self.request), waits: 0)
        for launch in launches { ahead.finished(launch.serial, Self.page(launch.serial + 1)) }
        // The walk moved past tickets 1 and 2 (a failure ended their parent's page): their answers are forgotten.
        #expect(
            ahead.plan([Self.request(3), Self.request(4), Self.request(5), Self.request(6)], waits: 0).map(\.request) == [
                Self.request(5), Self.request(6),
            ])
        if case .none = ahead.take(Self.request(1), waits: 0) {} else { Issue.record("a dropped answer was kept") }
        #expect(Self.records(ahead.take(Self.request(3), waits: 0)) == [["id": 3]])
    }

    @Test func aThrottledAnswerFromBeforeAWaitIsAskedAgain() {
        var ahead = DependentPrefetch(limit: 4)
        let launches = ahead.plan([Self.request(1), Self.request(2)], waits: 0)
        let throttled = Result<ConnectorPage, ConnectorError>.failure(ConnectorError(.rateLimited, status: 429, message: "429"))
        ahead.finished(launches[0].serial, throttled)
        ahead.finished(launches[1].serial, throttled)
        // The first 429 is the walk's to wait out; the second was answered before that wait ended.
        if case .ready(.failure(let error)) = ahead.take(Self.request(1), waits: 0) {
            #expect(error.code == .rateLimited)
        } else {
            Issue.record("the first 429 must be handled")
        }
        if case .none = ahead.take(Self.request(2), waits: 1) {} else { Issue.record("a stale 429 was handed to the walk") }
    }

    @Test func aLimitOfOneMakesNothingAhead() {
        var ahead = DependentPrefetch(limit: 1)
        #expect(ahead.plan((1...3).map(Self.request), waits: 0).isEmpty)
        #expect(ahead.isEmpty)
    }
}

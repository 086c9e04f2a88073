import Connectors
import Foundation
import NIOHTTP1
import SyncBridgeCore
import Testing

/// What the provider client learns from Zendesk's rate-limit headers, exactly as Zendesk's documentation shows them.
@Suite struct RateLimitHeadersTests {
    @Test func aTicketingListAnswerGivesTheAccountsFiguresAndListTicketsOwn() {
        let headers = HTTPHeaders([
            ("x-rate-limit", "700"), ("ratelimit-limit", "700"), ("x-rate-limit-remaining", "699"), ("ratelimit-remaining", "699"),
            ("ratelimit-reset", "41"), ("zendesk-ratelimit-tickets-index", "total=100; remaining=99; resets=41"),
        ])
        let o = RateLimitHeaders.observation(status: 200, headers: headers)
        #expect(o.throttled == false && o.retryAfter == nil)
        #expect(o.readings[.general] == .init(limit: 700, remaining: 699, resetSeconds: 41))
        #expect(o.readings[EndpointClass(rawValue: "tickets-index")] == .init(limit: 100, remaining: 99, resetSeconds: 41))
        #expect(o.readings.count == 2)
    }

    @Test func anyOtherAnswerGivesTheOlderHeaders() {
        let o = RateLimitHeaders.observation(status: 200, headers: HTTPHeaders([("X-Rate-Limit", "400"), ("X-Rate-Limit-Remaining", "12")]))
        #expect(o.readings == [.general: .init(limit: 400, remaining: 12, resetSeconds: nil)])
    }

    @Test func a429CarriesItsRetryAfter() {
        let o = RateLimitHeaders.observation(
            status: 429,
            headers: HTTPHeaders([("Retry-After", "23"), ("ratelimit-limit", "200"), ("ratelimit-remaining", "0"), ("ratelimit-reset", "23")]))
        #expect(o.throttled && o.retryAfter == 23)
        #expect(o.readings[.general] == .init(limit: 200, remaining: 0, resetSeconds: 23))
    }

    @Test func nonsenseIsIgnoredNotTrusted() {
        let o = RateLimitHeaders.observation(
            status: 200,
            headers: HTTPHeaders([
                ("ratelimit-limit", "-5"), ("X-Rate-Limit", "lots"), ("ratelimit-remaining", "99999999999999999999"),
                ("zendesk-ratelimit-", "total=1"), ("zendesk-ratelimit-search", "total=abc; remaining=; resets"),
                ("zendesk-ratelimit-exports", "remaining=3;total=30;color=blue"),
            ]))
        #expect(o.readings == [EndpointClass(rawValue: "exports"): .init(limit: 30, remaining: 3, resetSeconds: nil)])
        #expect(RateLimitHeaders.observation(status: 200, headers: HTTPHeaders()).isEmpty)
    }
}

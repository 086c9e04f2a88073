import Foundation
import SyncBridgeCore
import Testing

/// The pacing under every request budget: evenly spaced slots that keep any minute under the limit, blocks after a
/// 429 or an empty window, and limits learned from the provider replacing the configured ones.
@Suite struct RequestPacerTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    /// The most requests any `window`-second window holds.
    static func busiestWindow(_ slots: [Date], window: Double) -> Int {
        let times = slots.map(\.timeIntervalSince1970).sorted()
        var best = 0
        var lo = 0
        for hi in times.indices {
            while times[hi] - times[lo] >= window { lo += 1 }
            best = max(best, hi - lo + 1)
        }
        return best
    }

    @Test func slotsAreSpacedSoNoMinuteExceedsTheLimit() {
        var pacer = RequestPacer(perMinute: 120)
        let slots = (0..<400).map { _ in pacer.reserve(now: Self.t0, margin: 1)! }
        #expect(slots[0] == Self.t0, "an idle bucket lets the first request go at once")
        #expect(abs(slots[1].timeIntervalSince(slots[0]) - 61.0 / 120) < 1e-6)
        #expect(Self.busiestWindow(slots, window: 60) == 119, "60 s hold 119 of 120: the margin is the 120th's")
        // Arrivals bunched by up to the margin still fit: every slot moved by up to 0.9 s, alternately.
        let bunched = slots.enumerated().map { $0.element.addingTimeInterval($0.offset % 2 == 0 ? 0.9 : 0) }
        #expect(Self.busiestWindow(bunched, window: 60) <= 120)
        // And the rate used is the limit less the margin: 400 requests take 400 × 61/120 s.
        #expect(abs(slots[399].timeIntervalSince(Self.t0) - 399 * 61.0 / 120) < 1e-3)
    }

    @Test func anIdleBucketSavesNoBurst() {
        var pacer = RequestPacer(perMinute: 60)
        _ = pacer.reserve(now: Self.t0, margin: 0)
        let later = Self.t0.addingTimeInterval(600)
        let a = pacer.reserve(now: later, margin: 0)!
        let b = pacer.reserve(now: later, margin: 0)!
        #expect(a == later)
        #expect(b == later.addingTimeInterval(1), "ten idle minutes buy no burst: the second request still waits a second")
    }

    @Test func aSlotTooFarAwayIsRefusedAndNotTaken() {
        var pacer = RequestPacer(perMinute: 60)
        _ = pacer.reserve(now: Self.t0, margin: 0)
        _ = pacer.reserve(now: Self.t0, margin: 0)
        let before = pacer
        #expect(pacer.reserve(now: Self.t0, margin: 0, maxWait: 1.5) == nil, "the next slot is 2 s away")
        #expect(pacer == before)
        #expect(pacer.wait(now: Self.t0) == 2)
        #expect(pacer.reserve(now: Self.t0, margin: 0, maxWait: 2) == Self.t0.addingTimeInterval(2))
    }

    @Test func anUnknownLimitSpacesNothingButBlocksStillHold() {
        var pacer = RequestPacer(perMinute: nil)
        #expect(pacer.reserve(now: Self.t0, margin: 1) == Self.t0)
        #expect(pacer.reserve(now: Self.t0, margin: 1) == Self.t0)
        pacer.block(until: Self.t0.addingTimeInterval(30))
        #expect(pacer.reserve(now: Self.t0, margin: 1) == Self.t0.addingTimeInterval(30))
    }

    @Test func theProvidersLimitReplacesTheConfiguredOne() {
        var pacer = RequestPacer(perMinute: 600)
        let changed1 = pacer.learn(.init(limit: 200, remaining: 150, resetSeconds: 20), now: Self.t0)
        #expect(changed1)
        #expect(pacer.perMinute == 200 && pacer.learned)
        #expect(pacer.blockedUntil == nil, "something remains: no block")
        let changed2 = pacer.learn(.init(limit: 200, remaining: 149, resetSeconds: 19), now: Self.t0)
        #expect(!changed2, "the same limit again changes nothing")
        let a = pacer.reserve(now: Self.t0, margin: 0)!
        let b = pacer.reserve(now: Self.t0, margin: 0)!
        #expect(abs(b.timeIntervalSince(a) - 0.3) < 1e-6)
        // Raised again (an add-on bought): followed at once.
        let changed3 = pacer.learn(.init(limit: 2500), now: Self.t0)
        #expect(changed3)
        #expect(pacer.spacing(margin: 0) == 0.024)
    }

    @Test func anEmptyWindowBlocksUntilItResets() {
        var pacer = RequestPacer(perMinute: 700)
        let changed4 = pacer.learn(.init(limit: 700, remaining: 0, resetSeconds: 17), now: Self.t0)
        #expect(changed4)
        #expect(pacer.reserve(now: Self.t0, margin: 1) == Self.t0.addingTimeInterval(17))
        // An earlier end never shortens a block.
        let changed5 = pacer.block(until: Self.t0.addingTimeInterval(5))
        #expect(!changed5)
        #expect(pacer.blockedUntil == Self.t0.addingTimeInterval(17))
    }

    @Test func a429IsBlamedOnTheBucketThatIsEmpty() {
        let account = UUID()
        let export = RequestBudgetKey(account: account, classes: [.incrementalExports])
        #expect(export.classes == [.incrementalExports, .general], "general is always spent, last")
        // The account's limit still has room: the export's own limit refused it.
        let exportsFull = RateLimitObservation(
            readings: [.general: .init(limit: 700, remaining: 650, resetSeconds: 30)], throttled: true, retryAfter: 30)
        #expect(exportsFull.throttledClasses(of: export) == [.incrementalExports])
        // Nothing remains of the account's minute: the account's limit refused it.
        let accountFull = RateLimitObservation(readings: [.general: .init(limit: 700, remaining: 0, resetSeconds: 12)], throttled: true)
        #expect(accountFull.throttledClasses(of: export) == [.general])
        #expect(accountFull.blockSeconds(for: .general) == 12, "no Retry-After: until the window resets")
        // An ordinary request refused without figures: its only class.
        let plain = RequestBudgetKey(account: account)
        #expect(RateLimitObservation(throttled: true).throttledClasses(of: plain) == [.general])
        #expect(RateLimitObservation(throttled: true).blockSeconds(for: .general) == 60)
        #expect(RateLimitObservation(readings: [.general: .init(limit: 700)]).throttledClasses(of: plain) == [])
    }

    @Test func headersNamingAnotherClassTeachItToo() {
        let key = RequestBudgetKey(account: UUID())
        let ticketsIndex = EndpointClass(rawValue: "Tickets-Index")
        let o = RateLimitObservation(readings: [.general: .init(limit: 700), ticketsIndex: .init(limit: 100, remaining: 99, resetSeconds: 41)])
        #expect(o.classes(of: key) == [.general, EndpointClass(rawValue: "tickets-index")])
        #expect(o.matters(for: ticketsIndex, knownLimit: nil, isThrottledClass: false))
        #expect(!o.matters(for: .general, knownLimit: 700, isThrottledClass: false), "a limit already known is no news")
        #expect(o.matters(for: .general, knownLimit: 600, isThrottledClass: false))
    }
}

import Cron
import Foundation
import Testing

@Suite struct CronExpressionTests {
    static let utc = TimeZone(identifier: "UTC")!

    static func date(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    @Test func errorsNameTheField() throws {
        #expect(throws: CronParseError(field: .minute, message: "60 is out of range 0-59")) { try CronExpression("60 * * * *") }
        #expect(throws: CronParseError(field: .dayOfMonth, message: "0 is out of range 1-31")) { try CronExpression("* * 0 * *") }
        #expect(throws: CronParseError(field: .hour, message: "range 5-1 runs backwards")) { try CronExpression("* 5-1 * * *") }
        #expect(throws: CronParseError(field: .month, message: "'foo' is not a number or a name")) { try CronExpression("* * * foo *") }
        do {
            _ = try CronExpression("* * * *")
            Issue.record("four fields accepted")
        } catch {
            #expect(error.field == nil)
            #expect(error.description == "expected 5 fields (minute hour day-of-month month day-of-week), got 4")
        }
    }

    @Test func sevenIsSundayAndNamesAreCaseInsensitive() throws {
        let a = try CronExpression("0 12 * * 7")
        let b = try CronExpression("0 12 * * SUN")
        let start = Self.date("2024-05-01T00:00:00Z")  // a Wednesday
        #expect(a.next(after: start) == Self.date("2024-05-05T12:00:00Z"))
        #expect(b.next(after: start) == a.next(after: start))
    }

    @Test func vixieRuleEitherDayFieldMatches() throws {
        // 13th of the month OR any Friday.
        let e = try CronExpression("0 0 13 * 5")
        let fires = e.fireTimes(after: Self.date("2024-09-01T00:00:00Z")).prefix(4).map { $0 }
        #expect(fires == ["2024-09-06", "2024-09-13", "2024-09-20", "2024-09-27"].map { Self.date("\($0)T00:00:00Z") })
    }

    @Test func matchesAgreesWithNext() throws {
        let e = try CronExpression("*/15 9-17 * * 1-5")
        var t = Self.date("2024-03-01T00:00:00Z")
        var fromMatches: [Date] = []
        for _ in 0..<(3 * 1440) {
            if e.matches(t) { fromMatches.append(t) }
            t = t.addingTimeInterval(60)
        }
        let fromNext = Array(e.fireTimes(after: Self.date("2024-02-29T23:59:00Z")).prefix(fromMatches.count))
        #expect(fromMatches.count == 36)  // only Friday of Fri–Sun: 9:00–17:45 every 15 minutes
        #expect(fromNext == fromMatches)
    }

    @Test func dstGapFiresOnceAfterTheGap() throws {
        // Europe/Berlin skips 02:00–03:00 on 2024-03-31.
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let e = try CronExpression("30 2 * * *")
        let fire = try #require(e.next(after: Self.date("2024-03-30T12:00:00Z"), in: berlin))
        #expect(fire == Self.date("2024-03-31T01:30:00Z"))  // 03:30 CEST, just after the gap
        let following = try #require(e.next(after: fire, in: berlin))
        #expect(following == Self.date("2024-04-01T00:30:00Z"))  // 02:30 CEST
    }

    @Test func dstOverlapFiresOnce() throws {
        // Europe/Berlin repeats 02:00–03:00 on 2024-10-27.
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let e = try CronExpression("30 2 * * *")
        let first = try #require(e.next(after: Self.date("2024-10-26T12:00:00Z"), in: berlin))
        #expect(first == Self.date("2024-10-27T00:30:00Z"))  // first 02:30 (CEST)
        let second = try #require(e.next(after: first, in: berlin))
        #expect(second == Self.date("2024-10-28T01:30:00Z"))  // next day, not the repeated hour
    }
}

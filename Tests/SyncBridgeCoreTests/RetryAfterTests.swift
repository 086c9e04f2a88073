import Foundation
import SyncBridgeCore
import Testing

/// `Retry-After` values from providers and receivers: seconds or an HTTP-date, clamped; garbage asks for nothing.
@Suite struct RetryAfterTests {
    @Test func secondsAndDatesAreRead() {
        let now = Date(timeIntervalSince1970: 784_111_717)  // Sun, 06 Nov 1994 08:48:37 GMT
        #expect(RetryAfter.seconds("120") == 120)
        #expect(RetryAfter.seconds(" 0 ") == 0)
        #expect(RetryAfter.seconds("1.5") == 1.5)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == 60)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:40:00 GMT", now: now) == 0)
    }

    @Test func hugeValuesAreCappedAtADay() {
        #expect(RetryAfter.seconds("86401") == 86_400)
        #expect(RetryAfter.seconds("99999999999999999999999999") == 86_400)
    }

    @Test(arguments: ["-5", "nan", "NaN", "inf", "infinity", "1e400", "1.", ".5", "1.2.3", "soon", "", "0x10", "+3"])
    func garbageAsksForNoWait(value: String) {
        #expect(RetryAfter.seconds(value) == nil)
    }
}

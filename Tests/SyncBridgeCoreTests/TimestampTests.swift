import Foundation
import SyncBridgeCore
import Testing

@Suite struct TimestampTests {
    @Test func formatsWithMillisecondsInUTC() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_693_505_307.879)) == "2023-08-31T18:08:27.879Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Timestamp.parse(Timestamp.distantPastString)!) == Timestamp.distantPastString)
    }

    @Test func parsesRFC3339Variants() {
        #expect(Timestamp.parse("2023-08-31T18:08:27.879Z") == Date(timeIntervalSince1970: 1_693_505_307.879))
        #expect(Timestamp.parse("2023-08-31T20:08:27+02:00") == Date(timeIntervalSince1970: 1_693_505_307))
        #expect(Timestamp.parse("2023-08-31T18:08Z") == Date(timeIntervalSince1970: 1_693_505_280))
        for bad in ["yesterday", "2023-02-30T00:00:00Z", "2023-08-31", "2023-08-31T18:08:27", "2023-08-31T25:00:00Z", "2023-08-31T18:08:27.Z"] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }

    /// Dates no timestamp can name (a provider's `expires_in: 1e300`, NaN) are written as the nearest end of years
    /// 0001–9999, never a trap.
    @Test func datesOutOfRangeAreClamped() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1e300)) == "0001-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: .infinity)) == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: .nan)) == "0001-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 253_402_300_799.999)) == "9999-12-31T23:59:59.999Z")
    }
}

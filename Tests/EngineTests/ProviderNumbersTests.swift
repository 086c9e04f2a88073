import Foundation
import JSONCore
import Testing

@testable import Connectors

/// Numbers a provider sends are read without trapping: ids, export positions and token lifetimes that are no whole
/// numbers, or far too large, or NaN, become "absent", never a crash of the process reading them.
@Suite struct ProviderNumbersTests {
    static let hostile: [JSONValue] = [.number(1e300), .number(-1e300), .number(.nan), .number(.infinity), .number(1.5), .number(9.3e18)]

    @Test func idsThatAreNoWholeNumbersAreNull() {
        #expect(ZendeskUnified.id(.number(12)) == "12")
        #expect(ZendeskUnified.id(.number(9_007_199_254_740_992)) == "9007199254740992")
        for n in Self.hostile { #expect(ZendeskUnified.id(n) == .null, "\(n)") }
    }

    @Test func exportPositionsNeedWholeNumbers() {
        #expect(ExportPosition(["id": 7, "generated_timestamp": 1_700_000_000]) == ExportPosition(timestamp: 1_700_000_000, id: 7))
        for n in Self.hostile {
            #expect(ExportPosition(["id": n, "generated_timestamp": 1_700_000_000]) == nil, "\(n)")
            #expect(ExportPosition(["id": 7, "generated_timestamp": n]) == nil, "\(n)")
        }
    }

    @Test func tokenLifetimesAreBounded() {
        #expect(ZendeskConnector.lifetime(.number(1800)) == 1800)
        #expect(ZendeskConnector.lifetime(.number(1e300)) == 315_360_000.0)
        for n: JSONValue in [.number(-1), .number(.nan), .number(-.infinity), .string("1800"), .null] {
            #expect(ZendeskConnector.lifetime(n) == nil, "\(n)")
        }
        #expect(ZendeskConnector.lifetime(nil) == nil)
    }
}

import Cron
import Foundation
import JSONCore
import SyncBridgeTestSupport
import Testing

/// Replays `conformance/cron/vectors.json` (croniter as the oracle): every expected fire time, every never-firing
/// expression, every invalid expression.
@Suite struct CronConformanceTests {
    /// The vectors; nil (with the failure or the opt-out recorded) when the suites are missing.
    static func vectors() throws -> JSONValue? {
        guard let dir = Conformance.require("cron") else { return nil }
        return try JSONParser.parse(String(contentsOf: dir.appendingPathComponent("cron/vectors.json"), encoding: .utf8))
    }

    static func iso(_ s: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: s)!
    }

    static func format(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: d)
    }

    @Test func everyCaseMatchesTheOracle() async throws {
        guard let vectors = try Self.vectors() else { return }
        let cases = try #require(vectors["cases"]?.arrayValue)
        #expect(cases.count == 1500)
        let (passed, failures) = await offPool { Self.check(cases) }
        print("cron conformance: \(passed) passed, \(cases.count - passed) failed")
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// Compares each case's next fire times with the oracle's; returns the pass count and the first failures.
    static func check(_ cases: [JSONValue]) -> (passed: Int, failures: [String]) {
        var passed = 0
        var failures: [String] = []
        for c in cases {
            let expression = c["expression"]!.stringValue!
            let start = Self.iso(c["start"]!.stringValue!)
            let expected = c["next"]!.arrayValue!.map { $0.stringValue! }
            do {
                let parsed = try CronExpression(expression)
                let got = parsed.fireTimes(after: start).prefix(expected.count).map(Self.format)
                if got == expected {
                    passed += 1
                } else if failures.count < 10 {
                    failures.append("\(expression) after \(c["start"]!.stringValue!): expected \(expected), got \(got)")
                }
            } catch {
                failures.append("\(expression): \(error)")
            }
        }
        return (passed, failures)
    }

    @Test func neverFiringExpressionsReportNoFireTime() throws {
        guard let vectors = try Self.vectors() else { return }
        let never = try #require(vectors["never_fires"]?.arrayValue)
        for e in never {
            let parsed = try CronExpression(e.stringValue!)
            #expect(parsed.next(after: Self.iso("2024-01-01T00:00:00Z")) == nil)
        }
    }

    @Test func invalidExpressionsAreRejectedNamingTheField() throws {
        guard let vectors = try Self.vectors() else { return }
        let invalid = try #require(vectors["invalid"]?.arrayValue)
        #expect(invalid.count == 25)
        for item in invalid {
            let expression = item["expression"]!.stringValue!
            #expect(throws: CronParseError.self, "\(expression)") { try CronExpression(expression) }
        }
    }
}

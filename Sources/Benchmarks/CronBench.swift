import ArgumentParser
import Cron
import Foundation

/// Next-fire computations per second for a mix of expressions, against the naive baseline of stepping minute by
/// minute and testing each minute (what a scheduler without an arithmetic `next` does).
public struct CronBench: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(commandName: "cron", abstract: "Cron next-fire throughput.")

    @Option(help: "How many next-fire computations per expression")
    var iterations: Int = 20_000

    static let expressions = [
        "* * * * *", "0 */6 * * *", "*/15 9-17 * * 1-5", "0 0 1 * *", "30 4 1,15 * 5", "0 0 29 2 *", "@weekly", "5 4 * * sun",
        "0 22 * * 1-5", "23 0-20/2 * * *",
    ]

    public func run() throws {
        let parsed = try Self.expressions.map { try CronExpression($0) }
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let clock = ContinuousClock()
        var fired = 0
        let arithmetic = clock.measure {
            for e in parsed {
                var t = start
                for _ in 0..<iterations {
                    guard let n = e.next(after: t) else { break }
                    t = n
                    fired += 1
                }
            }
        }
        // Baseline: the same fire times found by testing every minute (bounded, it is slow).
        let baselineIterations = max(1, iterations / 100)
        var baselineFired = 0
        let naive = clock.measure {
            for e in parsed {
                var t = start
                for _ in 0..<baselineIterations {
                    guard let n = Self.stepping(e, after: t) else { break }
                    t = n
                    baselineFired += 1
                }
            }
        }
        let rate = Double(fired) / seconds(arithmetic)
        let baselineRate = Double(baselineFired) / seconds(naive)
        print("cron next-fire: \(Int(rate)) computations/s over \(Self.expressions.count) expressions (\(fired) fires)")
        print("baseline (minute stepping): \(Int(baselineRate)) computations/s (\(baselineFired) fires)")
        print(String(format: "ratio: %.1fx", rate / baselineRate))
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    /// Tests each minute after `date` until one matches, for at most ten years of minutes.
    static func stepping(_ e: CronExpression, after date: Date) -> Date? {
        var t = (date.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
        for _ in 0..<(10 * 366 * 1440) {
            let candidate = Date(timeIntervalSince1970: t)
            if e.matches(candidate) { return candidate }
            t += 60
        }
        return nil
    }
}

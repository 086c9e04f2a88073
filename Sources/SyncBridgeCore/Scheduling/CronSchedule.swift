import Cron
import Foundation

/// A cron expression in a time zone: what a cron trigger fires on.
public struct CronSchedule: Sendable {
    /// The parsed expression.
    public let expression: CronExpression
    /// The zone the expression is read in.
    public let timeZone: TimeZone

    /// Creates a schedule.
    public init(expression: CronExpression, timeZone: TimeZone) {
        self.expression = expression
        self.timeZone = timeZone
    }

    /// The first fire time strictly after `date`.
    public func next(after date: Date) -> Date? { expression.next(after: date, in: timeZone) }

    /// Parses `cron_expression` and `timezone` of a request, recording failures; `nil` when either is invalid or absent.
    public static func read(expression: String?, timezone: String?, failures: FailureCollector) -> CronSchedule? {
        var zone = TimeZone(identifier: "UTC")!
        if let timezone {
            if let z = TimeZone(identifier: timezone) {
                zone = z
            } else {
                failures.add("timezone", "'\(timezone)' is not an IANA time zone name")
            }
        }
        guard let expression else { return nil }
        do {
            let schedule = CronSchedule(expression: try CronExpression(expression), timeZone: zone)
            // An expression that matches no real date (30 February) is valid syntax but would never run anything.
            if schedule.next(after: Date(timeIntervalSince1970: 0)) == nil {
                failures.add("cron_expression", "'\(expression)' never fires: no date matches its day-of-month, month and weekday fields")
                return nil
            }
            return schedule
        } catch {
            failures.add("cron_expression", error.description)
            return nil
        }
    }
}

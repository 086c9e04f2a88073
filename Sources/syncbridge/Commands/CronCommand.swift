import ArgumentParser
import Cron
import Foundation
import SyncBridgeCore

struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron", abstract: "Print the next fire times of a cron expression (UTC, one per line)."
    )

    @Argument(help: "A five-field cron expression or a macro such as @daily")
    var expression: String

    @Option(help: "Start after this ISO-8601 instant (default: now)")
    var after: String?

    @Option(help: "How many fire times to print")
    var count: Int = 5

    @Option(help: "IANA time zone the expression is read in (default UTC)")
    var timezone: String?

    func run() throws {
        let start: Date
        if let after {
            guard let parsed = Timestamp.parse(after) else { throw ValidationError("--after must be an ISO-8601 date-time") }
            start = parsed
        } else {
            start = Date()
        }
        var zone = TimeZone(identifier: "UTC")!
        if let timezone {
            guard let z = TimeZone(identifier: timezone) else { throw ValidationError("--timezone: unknown time zone '\(timezone)'") }
            zone = z
        }
        let parsed: CronExpression
        do {
            parsed = try CronExpression(expression)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        var printed = 0
        for time in parsed.fireTimes(after: start, in: zone).prefix(count) {
            print(Timestamp.format(time).replacingOccurrences(of: ".000Z", with: "Z"))
            printed += 1
        }
        if printed == 0 {
            FileHandle.standardError.write(Data("error: '\(expression)' never fires\n".utf8))
            throw ExitCode(1)
        }
    }
}

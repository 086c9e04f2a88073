import Foundation

extension Functions {
    static var dateFunctions: [(String, Value)] {
        [
            define("now", "<s?s?:s>") { args, call throws(JSONataError) in
                let millis = (call.evaluator.timestamp.timeIntervalSince1970 * 1000).rounded(.down)
                return .string(try DateTimeFormatting.format(millis: millis, picture: arg(args, 0)?.string, timezone: arg(args, 1)?.string))
            },
            define("millis", "<:n>") { _, call in .number((call.evaluator.timestamp.timeIntervalSince1970 * 1000).rounded(.down)) },
            define("fromMillis", "<n-s?s?:s>") { args, _ throws(JSONataError) in
                guard case .number(let n)? = arg(args, 0) else { return nil }
                return .string(try DateTimeFormatting.format(millis: n, picture: arg(args, 1)?.string, timezone: arg(args, 2)?.string))
            },
            define("toMillis", "<s-s?:n>") { args, _ throws(JSONataError) in
                guard case .string(let s)? = arg(args, 0) else { return nil }
                return try DateTimeFormatting.parse(s, picture: arg(args, 1)?.string).map { .number($0) }
            },
        ]
    }
}

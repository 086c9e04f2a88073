import JSONata
import Testing

/// Expressions nested 100,000 levels deep are refused with S0218 (parser) or stopped with U1001 (evaluator), never
/// by overflowing the stack. Each case is parsed on a concurrency thread, where a server parses.
@Suite struct NestingLimitTests {
    static let depth = 100_000

    /// The code and position of the compile error of `source`, or nil when it compiles.
    func compileError(_ source: String) async -> JSONataError? {
        await Task.detached { () -> JSONataError? in
            do throws(JSONataError) {
                _ = try JSONataExpression(source)
                return nil
            } catch {
                return error
            }
        }.value
    }

    /// The expression each case compiles: `depth` levels of one construct.
    static func source(_ name: String) -> String {
        let n = depth
        switch name {
        case "parentheses": return String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n)
        case "arrays": return String(repeating: "[", count: n) + "1" + String(repeating: "]", count: n)
        case "objects": return String(repeating: "{'a':", count: n) + "1" + String(repeating: "}", count: n)
        case "unary minus": return String(repeating: "-", count: n) + "1"
        case "calls": return String(repeating: "$f(", count: n) + "1" + String(repeating: ")", count: n)
        case "left-deep sum": return Array(repeating: "1", count: n).joined(separator: "+")
        case "path": return Array(repeating: "a", count: n).joined(separator: ".")
        case "predicates": return "a" + String(repeating: "[0]", count: n)
        case "conditions": return String(repeating: "a ? ", count: n) + "1"
        default: return String(repeating: "(", count: n)
        }
    }

    @Test(arguments: [
        "parentheses", "arrays", "objects", "unary minus", "calls", "left-deep sum", "path", "predicates", "conditions", "unclosed",
    ])
    func deepExpressionsAreRefusedAtCompileTime(name: String) async {
        let error = await compileError(Self.source(name))
        #expect(error?.code == "S0218", "\(name)")
        #expect(error?.message == "The expression is nested too deeply", "\(name)")
    }

    /// The limit is on the tree's height, not on the expression's length: long flat lists and deep-enough nesting
    /// still compile and evaluate.
    @Test func wideAndModeratelyDeepExpressionsCompile() async throws {
        let wide = "[" + Array(repeating: "1", count: Self.depth).joined(separator: ",") + "]"
        #expect(await compileError(wide) == nil)
        #expect(try JSONataExpression("$count(\(wide))").evaluate(nil)?.number == Double(Self.depth))
        let nested = String(repeating: "(", count: 100) + "1 + 2" + String(repeating: ")", count: 100)
        #expect(await compileError(nested) == nil)
        #expect(try JSONataExpression(nested).evaluate(nil)?.number == 3)
        let sum = Array(repeating: "1", count: 100).joined(separator: " + ")
        #expect(try JSONataExpression(sum).evaluate(nil)?.number == 100)
    }

    /// The error points into the opening parentheses, at the level where a limit (the level count, or the stack
    /// budget, whichever comes first in this build) was crossed.
    @Test func theErrorPointsAtTheLevelPastTheLimit() async {
        let error = await compileError(String(repeating: "(", count: 2_000) + "1" + String(repeating: ")", count: 2_000))
        #expect(error?.code == "S0218")
        #expect((1...1_001).contains(error?.position ?? 0))
    }

    /// Recursion 100,000 calls deep with the default limits stops with U1001.
    @Test func deepRecursionStopsAtTheDefaultDepthLimit() async throws {
        let e = try JSONataExpression("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(\(Self.depth)))")
        let code = await detachedErrorCode(e)
        #expect(code == "U1001")
    }

    /// Values built up a level at a time, 100,000 times (objects, arrays, `$zip`), stop with U1004 at 1,000 levels
    /// instead of being built, then converted and released recursively (which crashed the process); 999 levels
    /// still evaluate.
    @Test(arguments: ["function($a, $v){ {'a': $a} }, {}", "function($a, $v){ [[$a]] }, []", "function($a, $v){ $zip($a) }, [1]"])
    func valuesNestedLevelByLevelStopAtTheLimit(step: String) async throws {
        let e = try JSONataExpression("$reduce([1..\(Self.depth)], \(step))")
        let code = await detachedErrorCode(e)
        #expect(code == "U1004")
        let fine = try JSONataExpression("$reduce([1..999], function($a, $v){ {'a': $a} }, {}) ~> $type()")
        #expect(try fine.evaluate(nil)?.string == "object")
    }
}

import Foundation
import JSONata
import Testing

/// The library's contract beyond the suite: errors with codes and positions, compiled expressions shared across
/// tasks, limits that stop runaway evaluations, cancellation.
@Suite struct ExpressionAPITests {
    func value(_ json: String) throws(JSONataError) -> Value { try JSONText.parse(json) }

    /// The code of the error `body` throws, or nil.
    func code(_ body: () throws(JSONataError) -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return error.code
        }
    }

    @Test func syntaxErrorsCarryCodeAndPosition() {
        #expect(code { () throws(JSONataError) in _ = try JSONataExpression("$sum(1, 2") } == "S0203")
        do throws(JSONataError) {
            _ = try JSONataExpression("{ 'a': }")
            Issue.record("compiled")
        } catch {
            #expect(error.code == "S0211")
            #expect(error.position == 8)
            #expect(error.token == "}")
        }
    }

    @Test func evaluationErrorsCarryCodeAndToken() throws {
        let e = try JSONataExpression("a + 'x'")
        let input = try value(#"{"a": 1}"#)
        do throws(JSONataError) {
            _ = try e.evaluate(input)
            Issue.record("evaluated")
        } catch {
            #expect(error.code == "T2002")
            #expect(error.token == "+")
            #expect(error.position == 3)
        }
    }

    @Test func seedQueryEvaluatesWithAndWithoutArgs() throws {
        let e = try JSONataExpression("{ 'updated_at': { 'gt': args.ticket_sync_start_date ? args.ticket_sync_start_date : previous_run_date } }")
        let withArgs = try e.evaluate(
            try value(#"{"args": {"ticket_sync_start_date": "2024-01-01T00:00:00Z"}, "previous_run_date": "2025-05-05T00:00:00Z"}"#))
        #expect(try withArgs?.jsonText() == #"{"updated_at":{"gt":"2024-01-01T00:00:00Z"}}"#)
        let without = try e.evaluate(try value(#"{"args": {}, "previous_run_date": "0001-01-01T00:00:00.000Z"}"#))
        #expect(try without?.jsonText() == #"{"updated_at":{"gt":"0001-01-01T00:00:00.000Z"}}"#)
    }

    @Test func undefinedResultIsNil() throws {
        #expect(try JSONataExpression("nothing.here").evaluate(try value("{}")) == nil)
    }

    @Test func bindingsAreVariables() throws {
        let r = try JSONataExpression("$x * 2").evaluate(nil, bindings: ["x": .number(21)])
        #expect(r?.number == 42)
    }

    /// One compiled expression, evaluated from many tasks at once, gives each its own answer.
    @Test func compiledExpressionIsSharedAcrossTasks() async throws {
        let e = try JSONataExpression("$sum([1..n]) & '-' & $string(n)")
        let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for n in 1...50 {
                group.addTask { (n, try e.evaluate(try JSONText.parse(#"{"n": \#(n)}"#))?.string ?? "") }
            }
            var out: [Int: String] = [:]
            for try await (n, s) in group { out[n] = s }
            return out
        }
        #expect(results.count == 50)
        #expect(results.allSatisfy { n, s in s == "\(n * (n + 1) / 2)-\(n)" })
    }

    /// Deep non-tail recursion stops with U1001 at the depth limit instead of exhausting the stack, even on a
    /// concurrency thread.
    @Test func depthLimitStopsDeepRecursion() async throws {
        let e = try JSONataExpression("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))")
        #expect(await detachedErrorCode(e, limits: .init(maxDepth: 200)) == "U1001")
    }

    /// Tail calls run in constant depth.
    @Test func tailRecursionIsUnbounded() throws {
        let e = try JSONataExpression("($count := function($n, $acc){ $n = 0 ? $acc : $count($n - 1, $acc + 1) }; $count(20000, 0))")
        #expect(try e.evaluate(nil, limits: .init(maxDepth: 100))?.number == 20000)
    }

    @Test func timeLimitStopsInfiniteLoops() throws {
        let e = try JSONataExpression("($loop := function(){ $loop() }; $loop())")
        #expect(code { () throws(JSONataError) in _ = try e.evaluate(nil, limits: .init(maxDepth: 1000, timeLimit: .milliseconds(50))) } == "U1002")
    }

    @Test func cancellationStopsEvaluation() async throws {
        let e = try JSONataExpression("($loop := function(){ $loop() }; $loop())")
        let task = Task.detached { () -> String? in
            do throws(JSONataError) {
                _ = try e.evaluate(nil, limits: .init(maxDepth: 1000, timeLimit: nil))
                return nil
            } catch {
                return error.code
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        #expect(await task.value == "U1003")
    }

    /// `(a+)+$` against forty a's and a `!` backtracks about 2^40 times. The match itself is stopped: by the time
    /// limit (U1002) and by cancellation (U1003), for each function that takes a regex and for a regex called
    /// directly. (Before, the match ran on past both; the suite's time limit turns a regression into a failure.)
    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            "$match(s, /(a+)+$/)", "$contains(s, /(a+)+$/)", "$replace(s, /(a+)+$/, 'x')",
            "$split(s, /(a+)+$/)", "/(a+)+$/(s)",
        ])
    func catastrophicRegexesCanBeStopped(call: String) async throws {
        let e = try JSONataExpression(
            "($s := $pad('', 40, 'a') & '!'; \(call.replacingOccurrences(of: "s,", with: "$s,").replacingOccurrences(of: "(s)", with: "($s)")))")
        #expect(code { () throws(JSONataError) in _ = try e.evaluate(nil, limits: .init(maxDepth: 1000, timeLimit: .milliseconds(100))) } == "U1002")
        // The task is cancelled before the evaluation starts, so only the matcher can notice it: the evaluator
        // itself looks every 256 steps, and this expression takes fewer before the match begins.
        #expect(await detachedErrorCode(e, limits: .init(maxDepth: 1000, timeLimit: nil), cancelledFirst: true) == "U1003")
    }

    /// Matching through the progress reports keeps the results: successive matches, limits, groups.
    @Test func regexResultsAreUnchanged() throws {
        let e = try JSONataExpression("[$match('a1b22c333', /([a-z])(\\d+)/, 2).groups, $count($match('xxxx', /x/)), $contains('abc', /c$/)]")
        #expect(try e.evaluate(nil)?.jsonText() == #"["a","1","b","22",4,true]"#)
    }

    @Test func objectKeysKeepTheirOrder() throws {
        let r = try JSONataExpression("$keys($)").evaluate(try value(#"{"zebra": 1, "apple": 2, "mango": 3}"#))
        #expect(try r?.jsonText() == #"["zebra","apple","mango"]"#)
    }
}

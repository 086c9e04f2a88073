import Testing

@testable import JSONata

/// Numbers far past `Int`'s range where a function wants an index, a length, a count or a date, and expressions that
/// would build gigabytes from a few characters. Before, `Int(1e19)` trapped and took the process with it, and
/// `$pad('x', 1e10)` built a 10 GB string.
@Suite struct SizeLimitTests {
    /// What each expression gives, as JSON text (nil: undefined), following JavaScript's arithmetic as JSONata does.
    @Test(
        arguments: [
            ("[1e19..1e19]", "[10000000000000000000]"),
            ("[1e19..1e19+1]", "[10000000000000000000]"),
            ("[1,2][1e19]", nil),
            ("[1,2][-1e19]", nil),
            ("[1,2][[1e19, 0]]", "1"),
            ("\"abc\"[1e19]", nil),
            ("$substring(\"abc\", 1e19)", "\"\""),
            ("$substring(\"abc\", -1e19)", "\"abc\""),
            ("$substring(\"abcdef\", -1e19, 1e19)", "\"abcdef\""),
            ("$substring(\"abcdef\", 2, 1e300)", "\"cdef\""),
            ("$split(\"a,b,c\", \",\", 1e19)", "[\"a\",\"b\",\"c\"]"),
            ("$split(\"a1b2c\", /\\d/, 1e300)", "[\"a\",\"b\",\"c\"]"),
            ("$match(\"abab\", /b/, 1e19).index", "[1,3]"),
            ("$replace(\"abab\", \"b\", \"x\", 1e19)", "\"axax\""),
            ("$replace(\"abab\", /b/, \"x\", 1e19)", "\"axax\""),
            ("$pad(\"x\", -1e-300)", "\"x\""),
            ("$formatInteger(1e19, \"a\")", "\"cztmzygcwnyoqk\""),
            ("$formatBase(1e19, 10)", "\"10000000000000000000\""),
            ("$formatBase(-1e19, 16)", "\"-8ac7230489e80000\""),
            ("$formatBase(2e21, 10)", "\"2e+21\""),
            ("$length($formatBase(1e300, 2))", "997"),
            ("$formatBase(255, 16)", "\"ff\""),
            ("$round(1.5, 1e19)", "1.5"),
            ("$round(123.456, 400)", "123.456"),
            ("$round(1e300, -1e19)", "0"),
            ("$round(125, -1)", "120"),
            ("$fromMillis(0, \"[Y,*-30]\")", "\"000000000000000000000000001970\""),
            ("$fromMillis(8.64e15)", "\"+275760-09-13T00:00:00.000Z\""),
            ("$length($pad(\"x\", 1000000))", "1000000"),
            ("$length($pad(\"ab\", -1000001, \"xyz\"))", "1000001"),
            ("$count([1..1000000])", "1000000"),
        ] as [(String, String?)])
    func hugeNumbersGetJavaScriptsAnswers(expression: String, expected: String?) throws {
        let result = try JSONataExpression(expression).evaluate(nil)
        #expect(try result?.jsonText() == expected, "\(expression)")
    }

    /// Each is refused with its code, in an evaluation on a thread of its own, as a server evaluates. Each reaches its
    /// limit cheaply (shared values, not millions of new ones), so that the suite does not hold the test pool.
    @Test(arguments: [
        ("$pad(\"x\", 1e19)", "U1005"),
        ("$pad(\"x\", -1e10)", "U1005"),
        ("$pad(\"x\", 1e10, \"ab\")", "U1005"),
        ("$pad(\"\", 1e16, $pad(\"\", 1e6, \"ab\"))", "U1005"),
        ("$formatInteger(1e19, \"I\")", "U1005"),
        ("$formatInteger(1e300, \"i\")", "U1005"),
        ("$fromMillis(0, \"[Y,100000000]\")", "U1005"),
        ("$fromMillis(0, \"[Y,60000000][Y,60000000]\")", "U1005"),
        ("$reduce([1..40], function($a, $v) { $a & $a }, \"x\")", "U1005"),
        ("$reduce([1..40], function($a, $v) { $join([$a, $a]) }, \"x\")", "U1005"),
        ("$replace($pad(\"\", 100000, \"a\"), \"a\", $pad(\"\", 1000, \"b\"))", "U1005"),
        ("$replace($pad(\"\", 100000, \"a\"), /a/, $pad(\"\", 1000, \"b\"))", "U1005"),
        ("$reduce([1..40], function($a, $v) { {\"l\": $a, \"r\": $a} }, 1)", "U1005"),
        ("$reduce([1..40], function($a, $v) { [$a, $a] }, 1)", "U1005"),
        ("$string($reduce([1..40], function($a, $v) { {\"l\": $a, \"r\": $a} }, 1))", "U1005"),
        // A path step and `$map` stop collecting at the limit: a thousand uses of one 1 MiB string weigh 1 GiB.
        ("($s := $pad(\"\", 1048576); $count([1..1000].($s)))", "U1005"),
        ("($s := $pad(\"\", 1048576); $count($map([1..1000], function($v) { $s })))", "U1005"),
        ("($s := $pad(\"\", 1048576); $count($each({\"a\": 1, \"b\": 2}, function($v) { [1..400].($s) })))", "U1005"),
        ("$fromMillis(1e300)", "U1006"),
        ("$fromMillis(-8.64e15 - 1)", "U1006"),
        ("$fromMillis(0, \"[Y]\", \"999999999999999999\")", "U1006"),
    ])
    func buildingTooMuchIsRefused(expression: String, code: String) async throws {
        let compiled = try JSONataExpression(expression)
        #expect(await detachedErrorCode(compiled, limits: .init(timeLimit: .seconds(600))) == code, "\(expression)")
    }

    /// The message says what the limit is.
    @Test(arguments: [
        ("$pad('x', 1e19)", "A string would be longer than 64 MiB"),
        ("$reduce([1..40], function($a, $v) { [$a, $a] }, 1)", "A value would be larger than about 512 MiB written out"),
        ("$fromMillis(1e300)", "1e+300 milliseconds is further from 1970 than a date can be (±8.64e15)"),
    ])
    func theMessagesNameTheLimits(expression: String, message: String) throws {
        #expect {
            try JSONataExpression(expression).evaluate(nil)
        } throws: { error in
            (error as? JSONataError)?.message == message
        }
    }
}

/// A path step and `$map` stop collecting as soon as what they hold passes the limit, not after building everything:
/// `$fresh()` counts its calls and returns a new 16 MiB string each time.
@Suite struct CollectingLoopTests {
    final class Calls: @unchecked Sendable { var count = 0 }

    @Test(arguments: ["[1..100].($fresh())", "$map([1..100], function($v) { $fresh() })"])
    func loopsStopAtTheLimit(expression: String) throws {
        let calls = Calls()
        let fresh = NativeFunction(name: "fresh", signature: nil, arity: 0) { _, _ in
            calls.count += 1
            return .string(String(decoding: [UInt8](repeating: 0x61, count: 16 << 20), as: UTF8.self))
        }
        #expect {
            try JSONataExpression(expression).evaluate(
                nil, bindings: ["fresh": .function(JFunction(.native(fresh)))], limits: .init(timeLimit: nil))
        } throws: { error in
            (error as? JSONataError)?.code == "U1005"
        }
        // 16 MiB weighs 1,048,577; the 32nd string takes the total past 2^25 (without the check: 100 calls, 1.6 GiB).
        #expect(calls.count == 32, "\(expression)")
    }
}

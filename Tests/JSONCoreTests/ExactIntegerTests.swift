import JSONCore
import Testing

/// Whole numbers beyond ±2^53 (large ids) survive parse and serialization exactly, and compare sensibly with doubles.
@Suite struct ExactIntegerTests {
    static let edge: [Int64] = [9_007_199_254_740_993, 9_223_372_036_854_775_807, -9_223_372_036_854_775_808, -9_007_199_254_740_993]

    @Test(arguments: edge)
    func largeWholeNumbersRoundTripExactly(n: Int64) throws {
        let parsed = try JSONParser.parse("{\"id\": \(n), \"ids\": [\(n)]}")
        #expect(parsed["id"] == .integer(n))
        #expect(parsed["id"]?.integerValue == n)
        #expect(parsed.jsonString(sortedKeys: true) == "{\"id\":\(n),\"ids\":[\(n)]}")
        #expect(try JSONParser.parse(parsed.jsonString()) == parsed)
    }

    @Test func whatStaysADouble() throws {
        // Within ±2^53, with a fraction or an exponent, or beyond 64 bits: plain numbers, as before.
        #expect(try JSONParser.parse("9007199254740992") == .number(9_007_199_254_740_992))
        #expect(try JSONParser.parse("12") == .number(12))
        #expect(try JSONParser.parse("9007199254740993.0") == .number(9_007_199_254_740_992))
        #expect(try JSONParser.parse("1e300") == .number(1e300))
        #expect(try JSONParser.parse("18446744073709551616") == .number(18_446_744_073_709_551_616))
        #expect(JSONValue.whole(12) == .number(12))
        #expect(JSONValue.whole(9_007_199_254_740_993) == .integer(9_007_199_254_740_993))
    }

    @Test func equalityAndHashingAgreeAcrossTheTwoForms() {
        // 2^53 + 2 is a double exactly: the two spellings are one value, with one hash.
        let exact = JSONValue.integer(9_007_199_254_740_994)
        let double = JSONValue.number(9_007_199_254_740_994)
        #expect(exact == double)
        #expect(Set([exact, double]).count == 1)
        // 2^53 + 1 is not: the nearest double is another number.
        #expect(JSONValue.integer(9_007_199_254_740_993) != .number(9_007_199_254_740_992))
        #expect(JSONValue.integer(9_007_199_254_740_993).numberValue == 9_007_199_254_740_992)
        #expect(JSONValue.integer(1).typeName == "number")
    }
}

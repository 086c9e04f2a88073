import JSONCore
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let v = try JSONParser.parse(#" {"a": [1, -2.5, 3e2, true, false, null], "b": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "c": {}} "#)
        #expect(v == ["a": [1, -2.5, 300, true, false, nil], "b": "x\"\\/\u{08}\u{0C}\n\r\té😀", "c": [:]])
    }

    @Test(arguments: [
        ("", "unexpected end of input"), ("{", "expected a member name"), ("[1,]", "unexpected character"),
        ("01", "unexpected data after the JSON value"), ("\"a", "unterminated string"), ("tru", "unexpected end of input"),
        ("{\"a\" 1}", "expected ':'"), ("1.", "invalid number"), ("\"\u{01}\"", "control character in string"),
    ])
    func rejectsMalformedText(text: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    /// 100,000 levels of arrays or objects are refused at the depth limit, not by overflowing the stack; 512 levels
    /// still parse.
    @Test func refusesNestingHundredThousandDeep() {
        let n = 100_000
        for deep in [
            String(repeating: "[", count: n) + String(repeating: "]", count: n),
            String(repeating: #"{"a":"#, count: n) + "1" + String(repeating: "}", count: n),
        ] {
            do {
                _ = try JSONParser.parse(deep)
                Issue.record("parsed")
            } catch {
                #expect(error.message == "nesting deeper than 512")
            }
        }
        let deepest = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect((try? JSONParser.parse(deepest)) != nil)
    }

    @Test func serializesCompactlyAndRoundTrips() throws {
        let v: JSONValue = ["n": 1, "f": 0.1, "big": 1e21, "s": "a\"b\n\u{01}", "arr": [nil, true]]
        let text = v.jsonString(sortedKeys: true)
        #expect(text == #"{"arr":[null,true],"big":1e+21,"f":0.1,"n":1,"s":"a\"b\n\u0001"}"#)
        #expect(try JSONParser.parse(text) == v)
    }

    @Test func numbersFormatLikeJavaScript() {
        #expect(JSONValue.format(number: 100) == "100")
        #expect(JSONValue.format(number: -0.5) == "-0.5")
        #expect(JSONValue.format(number: 1e-7) == "1e-7")
        #expect(JSONValue.format(number: 0.1 + 0.2) == "0.30000000000000004")
        #expect(JSONValue.format(number: .nan) == "null")
    }

    @Test func pathLookupFollowsObjectsAndArrayIndexes() {
        let v: JSONValue = ["a": ["b": [["c": 7]]]]
        #expect(v.value(atPath: "a.b.0.c") == 7)
        #expect(v.value(atPath: "a.x") == nil)
    }
}

import Foundation
import JSONCore
import Testing

/// The serializer against an independent reader (Foundation's `JSONSerialization`): strings of every length around
/// the eight-byte steps of the escape scan, with every byte that needs escaping at every position.
@Suite struct JSONSerializationTests {
    static let specials: [Character] = ["\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{01}", "\u{1F}", "é", "😀", "/", "\u{7F}"]

    /// What Foundation reads back from our text, as a string.
    func foundationReads(_ value: String) throws -> String {
        let text = JSONValue.array([.string(value)]).jsonBytes()
        let parsed = try JSONSerialization.jsonObject(with: Data(text)) as? [String]
        return try #require(parsed?.first)
    }

    @Test func everySpecialCharacterAtEveryPositionRoundTrips() throws {
        for length in 0...19 {
            for special in Self.specials {
                for position in 0...length {
                    var s = String(repeating: "a", count: length)
                    s.insert(special, at: s.index(s.startIndex, offsetBy: position))
                    #expect(try foundationReads(s) == s, "length \(length), \(special.unicodeScalars.first!.value) at \(position)")
                    #expect(try JSONParser.parse(bytes: JSONValue.string(s).jsonBytes()) == .string(s))
                }
            }
        }
    }

    /// The sandbox's streaming writer escapes exactly as the value serializer does, pieces included.
    @Test func theStreamingWriterEscapesAlike() {
        for length in 0...19 {
            for special in Self.specials {
                var s = String(repeating: "b", count: length)
                s.insert(special, at: s.index(s.startIndex, offsetBy: length / 2))
                var w = JSONWriter()
                w.string(s)
                #expect(w.bytes == JSONValue.string(s).jsonBytes(), "length \(length), \(special.unicodeScalars.first!.value)")
                var pieces = JSONWriter()
                pieces.string(s, 42, s)
                #expect(pieces.bytes == JSONValue.string(s + "42" + s).jsonBytes())
            }
        }
    }

    @Test func escapesAreTheShortForms() {
        #expect(JSONValue.string("a\"b\\c\nd\re\tf\u{08}g\u{0C}h\u{01}i\u{1F}").jsonString() == #""a\"b\\c\nd\re\tf\bg\fh\u0001i\u001f""#)
        #expect(JSONValue.string("0123456789abcdef\u{00}").jsonString() == #""0123456789abcdef\u0000""#)
        // Multi-byte characters and bytes of 0x80 and above are written as they are.
        #expect(JSONValue.string("ééééé😀").jsonBytes() == Array("\"ééééé😀\"".utf8))
    }

    @Test func seededRandomDocumentsRoundTrip() throws {
        var generator = SplitMix(seed: 7)
        let alphabet: [Character] = Array("abcXYZ 019") + Self.specials
        func string() -> String { String((0..<Int(generator.next() % 40)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }) }
        func value(depth: Int) -> JSONValue {
            switch generator.next() % (depth > 3 ? 4 : 6) {
            case 0: return .string(string())
            case 1: return .number(Double(Int64(bitPattern: generator.next()) >> Int64(generator.next() % 64)))
            case 2: return .bool(generator.next() % 2 == 0)
            case 3: return .null
            case 4: return .array((0..<Int(generator.next() % 6)).map { _ in value(depth: depth + 1) })
            default: return .object(Dictionary((0..<Int(generator.next() % 6)).map { _ in (string(), value(depth: depth + 1)) }) { a, _ in a })
            }
        }
        for _ in 0..<300 {
            let v = value(depth: 0)
            let bytes = v.jsonBytes()
            #expect(try JSONParser.parse(bytes: bytes) == v)
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            var appended: [UInt8] = [0x20]
            v.write(to: &appended)
            #expect(appended == [0x20] + bytes)
        }
    }
}

/// A small seeded generator (SplitMix64), so the documents are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import Foundation
import JSONCore

/// draft-07's `contentEncoding` / `contentMediaType` assertions (annotations only from 2019-09 on).
enum Content {
    static func check(_ o: [String: JSONValue], _ s: String) -> String? {
        var text = s
        if case .string(let encoding)? = o["contentEncoding"], encoding.lowercased() == "base64" {
            guard let data = Data(base64Encoded: s) else { return "is not valid base64" }
            text = String(decoding: data, as: UTF8.self)
        }
        if case .string(let media)? = o["contentMediaType"], media.lowercased() == "application/json" {
            if (try? JSONParser.parse(text)) == nil { return "is not a valid JSON document" }
        }
        return nil
    }
}

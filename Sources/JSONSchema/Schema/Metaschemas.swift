import Foundation
import JSONCore

/// The official meta-schemas of draft 2020-12 (with its vocabularies) and draft-07, bundled so `$ref`s to them
/// resolve without a network.
enum Metaschemas {
    static let files = [
        "draft-2020-12", "draft-2020-12-core", "draft-2020-12-applicator", "draft-2020-12-unevaluated", "draft-2020-12-validation",
        "draft-2020-12-meta-data", "draft-2020-12-format-annotation", "draft-2020-12-format-assertion", "draft-2020-12-content",
        "draft-07",
    ]

    /// Each meta-schema by its `$id`.
    static let all: [(String, JSONValue)] = files.compactMap { name in
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Metaschemas"),
            let text = try? String(contentsOf: url, encoding: .utf8), let doc = try? JSONParser.parse(text),
            case .string(let id)? = doc["$id"]
        else { return nil }
        return (id, doc)
    }
}

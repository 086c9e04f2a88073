/// The JSON Schema dialects the validator implements.
public enum SchemaDraft: String, Sendable, CaseIterable {
    /// Draft 2020-12 (the default).
    case draft2020_12 = "https://json-schema.org/draft/2020-12/schema"
    /// Draft-07.
    case draft7 = "http://json-schema.org/draft-07/schema"

    /// The draft a `$schema` value names, if it is one of ours.
    init?(schemaURI: String) {
        var s = schemaURI
        if s.hasSuffix("#") { s.removeLast() }
        if s == "https://json-schema.org/draft/2020-12/schema" {
            self = .draft2020_12
        } else if s == "http://json-schema.org/draft-07/schema" || s == "https://json-schema.org/draft-07/schema" {
            self = .draft7
        } else {
            return nil
        }
    }
}

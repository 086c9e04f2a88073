extension JSONValue {
    /// Renders every string inside the value as a ``Template`` against `scope`.
    ///
    /// Object members whose whole-string placeholder resolves to nothing are dropped, so an unset argument leaves no
    /// empty query parameter behind. Strings that fail to parse are left as they are (validation rejects them earlier).
    public func renderingTemplates(in scope: JSONValue) -> JSONValue? {
        switch self {
        case .string(let s):
            guard s.contains("{{"), let template = try? Template(parsing: s) else { return self }
            return template.render(in: scope)
        case .array(let a):
            return .array(a.compactMap { $0.renderingTemplates(in: scope) })
        case .object(let o):
            var out: [String: JSONValue] = [:]
            for (k, v) in o {
                if let rendered = v.renderingTemplates(in: scope) { out[k] = rendered }
            }
            return .object(out)
        default:
            return self
        }
    }

    /// Calls `body` with the path (`query.updated_at.gt`) and text of every string in the value.
    public func forEachString(path: String, _ body: (String, String) -> Void) {
        switch self {
        case .string(let s): body(path, s)
        case .array(let a):
            for (i, v) in a.enumerated() { v.forEachString(path: "\(path)[\(i)]", body) }
        case .object(let o):
            for k in o.keys.sorted() { o[k]!.forEachString(path: "\(path).\(k)", body) }
        default: break
        }
    }
}

import Foundation

/// A string with `{{…}}` placeholders, parsed once.
///
/// A placeholder is one or more dot paths separated by `|`: the first path that resolves wins
/// (`{{args.ticket_sync_start_date|previous_run_date}}`). A string that is exactly one placeholder keeps the JSON type
/// of its value (arrays stay arrays); placeholders embedded in text are stringified.
public struct Template: Sendable, Equatable {
    /// A literal run of text or a placeholder.
    public enum Part: Sendable, Equatable {
        case text(String)
        case placeholder(Placeholder)
    }

    /// The parts in order.
    public let parts: [Part]

    /// The roots a placeholder path may start with.
    public static let roots: Set<String> = ["args", "previous_run_date", "resources", "sync_job_run"]

    /// Parses `text`.
    /// - Throws: ``TemplateError`` naming what is malformed.
    public init(parsing text: String) throws(TemplateError) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else { throw TemplateError("unclosed '{{'") }
            let inner = afterOpen[..<close.lowerBound]
            parts.append(.placeholder(try Placeholder(parsing: inner)))
            rest = afterOpen[close.upperBound...]
        }
        if rest.contains("}}") { throw TemplateError("'}}' without a matching '{{'") }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// True when the text has at least one placeholder.
    public var hasPlaceholders: Bool { parts.contains { if case .placeholder = $0 { true } else { false } } }

    /// The placeholder when the whole string is exactly one.
    public var wholePlaceholder: Placeholder? {
        if parts.count == 1, case .placeholder(let p) = parts[0] { return p }
        return nil
    }

    /// Every placeholder in the text.
    public var placeholders: [Placeholder] {
        parts.compactMap { if case .placeholder(let p) = $0 { p } else { nil } }
    }

    /// Renders against a scope. A whole-string placeholder yields its value unchanged (`nil` when nothing resolved);
    /// otherwise the parts are concatenated, unresolved placeholders rendering as empty text.
    public func render(in scope: JSONValue) -> JSONValue? {
        if let whole = wholePlaceholder { return whole.resolve(in: scope) }
        var out = ""
        for part in parts {
            switch part {
            case .text(let t): out += t
            case .placeholder(let p):
                switch p.resolve(in: scope) {
                case .string(let s)?: out += s
                case nil, .null?: break
                case let value?: out += value.jsonString()
                }
            }
        }
        return .string(out)
    }
}

/// One `{{a.b|c}}` placeholder: alternatives tried in order.
public struct Placeholder: Sendable, Equatable, Hashable {
    /// The dot paths, in order of preference.
    public let alternatives: [String]

    /// Parses the text between the braces.
    public init(parsing inner: Substring) throws(TemplateError) {
        let trimmed = inner.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw TemplateError("empty placeholder '{{}}'") }
        var alternatives: [String] = []
        for alternative in trimmed.split(separator: "|", omittingEmptySubsequences: false) {
            let path = alternative.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { throw TemplateError("empty alternative in '{{\(trimmed)}}'") }
            let segments = path.split(separator: ".", omittingEmptySubsequences: false)
            for segment in segments {
                guard !segment.isEmpty, segment.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                    throw TemplateError("'\(path)' is not a dot path")
                }
            }
            let root = String(segments[0])
            guard Template.roots.contains(root) else {
                throw TemplateError("'\(path)' must start with one of \(Template.roots.sorted().joined(separator: ", "))")
            }
            if root == "previous_run_date" && segments.count > 1 {
                throw TemplateError("previous_run_date has no fields")
            }
            if (root == "args" || root == "resources") && segments.count < 2 {
                throw TemplateError("'\(path)' needs a field after '\(root)'")
            }
            alternatives.append(path)
        }
        self.alternatives = alternatives
    }

    /// The first alternative that resolves to a non-null value in `scope`.
    public func resolve(in scope: JSONValue) -> JSONValue? {
        for path in alternatives {
            if let v = scope.value(atPath: path), !v.isNull { return v }
        }
        return nil
    }
}

/// Why a template could not be parsed.
public struct TemplateError: Error, Sendable, Equatable {
    /// What is wrong.
    public let message: String
    public init(_ message: String) { self.message = message }
}

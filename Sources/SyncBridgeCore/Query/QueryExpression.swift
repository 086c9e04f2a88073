import Foundation
import JSONCore
import JSONata

/// A sync job resource's `query` given as a JSONata string: compiled once, evaluated against the run's scope
/// (`args`, `previous_run_date`, `resources`, `sync_job_run`, as fields and as `$` variables) to the query object.
public struct QueryExpression: Sendable {
    public let source: String
    let expression: JSONataExpression

    /// Compiles; the error carries JSONata's code and position.
    public init(_ source: String) throws(JSONataError) {
        self.source = source
        self.expression = try JSONataExpression(source)
    }

    /// Why a query expression could not be used.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The query object for `scope`; undefined means no query parameters. An evaluation still going after
    /// `timeLimit` fails (U1002); one whose task is cancelled fails at once (U1003).
    public func evaluate(in scope: JSONValue, now: Date = Date(), timeLimit: Duration = .seconds(5)) throws(Failure) -> [String: JSONValue] {
        let input = scope.jsonata
        var bindings: [String: JSONata.Value] = [:]
        for (k, v) in input.objectValue?.pairs ?? [] { bindings[k] = v }
        let result: JSONata.Value?
        do {
            result = try expression.evaluate(input, bindings: bindings, limits: .init(maxDepth: 500, timeLimit: timeLimit), now: now)
        } catch {
            throw Failure(description: "query expression failed: \(error.description)")
        }
        guard let result else { return [:] }
        guard case .object = result, case .object(let members) = JSONValue(jsonata: result) else {
            throw Failure(description: "query expression must evaluate to an object, not \(result.typeName)")
        }
        return members
    }
}

extension JSONValue {
    /// The same value as a JSONata value (object keys in sorted order).
    public var jsonata: JSONata.Value {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .number(let n): .number(n)
        case .integer(let i): .integer(i)
        case .string(let s): .string(s)
        case .array(let a): .list(a.map(\.jsonata))
        case .object(let o): .object(JObject(o.keys.sorted().map { ($0, o[$0]!.jsonata) }))
        }
    }

    /// A JSONata result as JSON (functions become null, sequences arrays).
    public init(jsonata v: JSONata.Value) {
        switch v {
        case .null, .function: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .integer(let i): self = .integer(i)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.items.map(JSONValue.init(jsonata:)))
        case .object(let o):
            var members: [String: JSONValue] = [:]
            for (k, x) in o.pairs { members[k] = JSONValue(jsonata: x) }
            self = .object(members)
        }
    }
}

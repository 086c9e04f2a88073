import Foundation

/// A compiled JSONata expression: parse once, evaluate many times, from any task.
///
/// ```swift
/// let query = try JSONataExpression("{ 'updated_at': { 'gt': args.since ? args.since : previous_run_date } }")
/// let result = try query.evaluate(input, bindings: ["x": .number(1)])
/// ```
public struct JSONataExpression: Sendable {
    /// The source text.
    public let source: String
    let tree: Node

    /// Parses `source`; throws the syntax error (S0xxx) with its position.
    public init(_ source: String) throws(JSONataError) {
        self.source = source
        self.tree = try Parser.parse(source)
    }

    /// Limits on one evaluation.
    public struct Limits: Sendable {
        /// Deepest nesting of evaluation (recursion); beyond it the evaluation fails with U1001.
        public var maxDepth: Int
        /// Longest an evaluation may run; beyond it it fails with U1002.
        public var timeLimit: Duration?

        public init(maxDepth: Int = 1_000, timeLimit: Duration? = .seconds(10)) {
            self.maxDepth = maxDepth
            self.timeLimit = timeLimit
        }
    }

    /// Evaluates against `input` (nil: no input) with extra variables. Returns nil for an undefined result.
    /// Cancelling the calling task stops the evaluation (U1003).
    public func evaluate(_ input: Value?, bindings: [String: Value] = [:], limits: Limits = Limits(), now: Date = Date()) throws(JSONataError)
        -> Value?
    {
        let evaluator = Evaluator(maxDepth: limits.maxDepth, timeLimit: limits.timeLimit, timestamp: now)
        let frame = Frame(parent: Functions.library)
        for (k, v) in bindings { frame.bind(k, v) }
        var input = input
        if case .array(var a)? = input {
            // An array input is one value: wrap it so paths see it whole.
            a = JArray([.array(a)], sequence: true)
            a.outerWrapper = true
            input = .array(a)
        }
        frame.bind("$", input)
        return try Self.unwrap(try evaluator.evaluate(tree, input, frame))
    }

    static func unwrap(_ v: Value?) -> Value? {
        guard case .array(let a)? = v, a.sequence, !a.keepSingleton else { return v }
        if a.items.isEmpty { return nil }
        return v
    }
}

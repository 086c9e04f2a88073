import Foundation

/// A node of the syntax tree. Built and rewritten by the parser; never changed once compilation finishes, which
/// is what makes a compiled ``Expression`` safe to share (`@unchecked`: its literals are scalars, which nothing
/// mutates, and its compiled regexes are only matched).
final class Node: @unchecked Sendable {
    enum Kind: String {
        case path, binary, unary, name, string, number, value, wildcard, descendant, parent, condition, coalesce, elvis
        case block, bind, regex, function, partial, variable, lambda, apply, sort, transform, `operator`, end
    }

    /// One stage applied to a step's results: a filter predicate or a positional variable binding.
    enum Stage {
        case filter(Node, position: Int)
        case index(String, position: Int)
    }

    struct SortTerm {
        let descending: Bool
        let expression: Node
    }

    struct Group {
        let pairs: [(Node, Node)]
        let position: Int
    }

    var kind: Kind
    /// Operator symbol, name, variable name.
    var value: String
    var literal: Value?
    var position: Int

    var lhs: Node?
    var rhs: Node?
    var expression: Node?
    var expressions: [Node] = []
    /// Object constructor / group-by pairs (raw parse).
    var pairs: [(Node, Node)] = []
    var steps: [Node] = []
    var predicate: [Stage]?
    var stages: [Stage]?
    var group: Group?
    var arguments: [Node] = []
    var procedure: Node?
    var body: Node?
    var signature: Signature?
    var condition: Node?
    var then: Node?
    var otherwise: Node?
    var pattern: Node?
    var update: Node?
    var delete: Node?
    var terms: [SortTerm] = []
    /// Raw order-by terms before processing.
    var rawTerms: [(descending: Bool, expression: Node)] = []
    var regex: NSRegularExpression?

    var keepArray = false
    var consarray = false
    var keepSingletonArray = false
    var tuple = false
    var thunk = false
    var focus: String?
    var index: String?
    var ancestor: Slot?
    var slot: Slot?
    var seekingParent: [Slot]?

    init(_ kind: Kind, value: String = "", position: Int, literal: Value? = nil) {
        self.kind = kind
        self.value = value
        self.position = position
        self.literal = literal
    }
}

/// Where a `%` (parent) operator finds its value: a label bound in the tuple stream `level` steps up.
final class Slot {
    var label: String
    var level: Int
    let index: Int
    init(label: String, level: Int, index: Int) {
        self.label = label
        self.level = level
        self.index = index
    }
}

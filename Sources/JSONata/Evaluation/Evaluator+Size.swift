/// The size limits of one evaluation: how large a value may become (``Evaluator/maxWeight``) and how many bytes a
/// string function may build, checked before it builds them, so that a short expression cannot make the evaluation
/// hold gigabytes (`$pad('', 1e10)`, a string doubled forty times, the same object nested thirty times over).
extension Evaluator {
    /// The largest ``Value/weight`` a value may reach: about 512 MiB written out. JSON input is far smaller (provider
    /// bodies are at most 64 MiB).
    static let maxWeight = 1 << 25

    /// The bytes (UTF-8) a single string may hold: 64 MiB, as much as a provider's body may.
    static let maxStringBytes = 64 << 20

    /// U1004 where `value` is nested more than ``maxNesting`` levels deep, U1005 where it weighs more than
    /// ``maxWeight``. Not inlined: ``evaluate(_:_:_:)`` recurses, and its frame is what a level of the stack costs.
    @inline(never)
    func checkSize(_ value: Value?, at position: Int) throws(JSONataError) {
        guard let value else { return }
        // A value built up level by level (`$reduce` wrapping an object 100,000 times) would be converted, printed
        // and released recursively, deeper than any stack: it is refused while it is still shallow enough.
        if value.nesting > Self.maxNesting {
            throw JSONataError("U1004", position: position, message: "A value is nested more than \(Self.maxNesting) levels deep")
        }
        if value.weight > Self.maxWeight { throw Self.tooLarge(at: position) }
    }

    /// Before a function builds a string of `bytes` (UTF-8) bytes: U1005 when it would be longer than
    /// ``maxStringBytes``, and the time limit and cancellation as for every step, since building it is work.
    func admitString(bytes: Int, at position: Int = 0) throws(JSONataError) {
        try Self.checkStringLength(bytes, at: position)
        if bytes > 1 << 16, let error = interruption(at: position) { throw error }
    }

    /// U1005 where a string of `bytes` (UTF-8) bytes would be longer than ``maxStringBytes``: for the formatters,
    /// which run without an evaluator.
    static func checkStringLength(_ bytes: Int, at position: Int = 0) throws(JSONataError) {
        guard bytes > maxStringBytes else { return }
        throw JSONataError("U1005", position: position, message: "A string would be longer than \(maxStringBytes >> 20) MiB")
    }

    static func tooLarge(at position: Int) -> JSONataError {
        JSONataError("U1005", position: position, message: "A value would be larger than about \(maxWeight >> 16) MiB written out")
    }
}

/// The running weight of the results a loop collects (a path step over many items, `$map`, `$each`), so that the
/// loop stops at the limit instead of after it.
struct WeightTally {
    private(set) var total = 1

    /// Adds `value`'s weight: U1005 once the total passes ``Evaluator/maxWeight``.
    mutating func add(_ value: Value, at position: Int = 0) throws(JSONataError) {
        total = total.saturatingAdd(value.weight)
        if total > Evaluator.maxWeight { throw Evaluator.tooLarge(at: position) }
    }
}

extension Double {
    /// The number as an `Int` for an index, a length, a count or a limit, where the value is already known to be a
    /// number: NaN becomes 0 and anything beyond ±2^53 becomes ±2^53, which is more than any string or array can
    /// hold, so comparisons and sums with real lengths keep their meaning and cannot overflow. (`Int(_:)` traps on
    /// NaN, infinities and magnitudes past 2^63.)
    var clampedInt: Int {
        guard !isNaN else { return 0 }
        let bound = 9_007_199_254_740_992.0
        return Int(Swift.min(Swift.max(self, -bound), bound))
    }
}

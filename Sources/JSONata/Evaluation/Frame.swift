/// A scope of variable bindings, chained to its enclosing scope.
///
/// `@unchecked Sendable` only so that the built-in library (``Functions/library``) can be a shared constant: it is
/// filled once and then only read. Every other frame belongs to one evaluation, on one thread.
final class Frame: @unchecked Sendable {
    private var bindings: [String: Value] = [:]
    let parent: Frame?

    init(parent: Frame?) { self.parent = parent }

    func bind(_ name: String, _ value: Value?) {
        bindings[name] = value
        if value == nil { unbound.insert(name) } else { unbound.remove(name) }
    }

    /// Names bound to undefined here, which hides an outer binding of the same name.
    private var unbound: Set<String> = []

    func lookup(_ name: String) -> Value? {
        var frame: Frame? = self
        while let f = frame {
            if let v = f.bindings[name] { return v }
            if f.unbound.contains(name) { return nil }
            frame = f.parent
        }
        return nil
    }

    /// A frame binding every key of a tuple.
    static func from(tuple: JObject, parent: Frame) -> Frame {
        let frame = Frame(parent: parent)
        for (k, v) in tuple.pairs { frame.bindings[k] = v }
        return frame
    }
}

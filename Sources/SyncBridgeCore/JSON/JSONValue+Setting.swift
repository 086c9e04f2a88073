extension JSONValue {
    /// A copy with the member at `path` set (intermediate objects created as needed).
    public func setting(_ path: [String], to newValue: JSONValue) -> JSONValue {
        guard let first = path.first else { return newValue }
        var members = objectValue ?? [:]
        members[first] = (members[first] ?? .object([:])).setting(Array(path.dropFirst()), to: newValue)
        return .object(members)
    }
}

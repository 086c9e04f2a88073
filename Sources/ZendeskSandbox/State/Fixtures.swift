import JSONCore

/// Fixtures: records given as JSON (`{"organizations": […], "users": […], "tickets": […]}`, each in the shape of its
/// create request; tickets in the import shape, with `created_at`, `comments`, and `requester_email` to name a user
/// by address) added to the world all at once, through the same code as the API. All or nothing: one invalid record
/// and nothing is added, with the error naming it (`tickets[2].requester_id`).
extension SandboxState {
    func load(fixtures: JSONValue, now: Int64) throws(SandboxError) -> JSONValue {
        guard let root = fixtures.objectValue else { throw SandboxError.invalid("fixtures must be an object with organizations, users and tickets") }
        for key in root.keys where !["organizations", "users", "tickets"].contains(key) {
            throw TicketInput.invalid(key, "\(key) is not a fixture collection (organizations, users, tickets)")
        }
        return try withLock { s throws(SandboxError) -> JSONValue in
            var world = s.world
            var created: [String: JSONValue] = [:]
            func each(_ key: String, _ body: (Int, [String: JSONValue]) throws(SandboxError) -> Int64) throws(SandboxError) {
                guard let list = root[key] else { return }
                guard let items = list.arrayValue else { throw TicketInput.invalid(key, "\(key) must be an array") }
                var ids: [JSONValue] = []
                for (i, item) in items.enumerated() {
                    guard let o = item.objectValue else { throw TicketInput.invalid("\(key)[\(i)]", "must be an object") }
                    do throws(SandboxError) {
                        ids.append(.number(Double(try body(i, o))))
                    } catch {
                        throw error.at("\(key)[\(i)]")
                    }
                }
                created[key] = .array(ids)
            }
            try each("organizations") { _, o throws(SandboxError) in try world.createOrganization(o, at: s.changeTime(now)).id }
            try each("users") { _, o throws(SandboxError) in
                guard let name = o["name"]?.stringValue, !name.isEmpty else { throw TicketInput.invalid("name", "Name: cannot be blank") }
                return world.createUser(o, name: name, at: s.changeTime(now)).id
            }
            try each("tickets") { _, o throws(SandboxError) in
                var o = o
                if let email = o["requester_email"]?.stringValue {
                    guard let user = world.user(email: email) else {
                        throw TicketInput.invalid("requester_email", "Requester: no user has the address \(email)")
                    }
                    o["requester_id"] = .number(Double(user.id))
                }
                return try world.createTicket(o, now: s.changeTime(now), importing: true).id
            }
            s.world = world
            return .object(created)
        }
    }
}

extension SandboxError {
    /// The error with its field names put under `path` (`name` → `users[3].name`).
    func at(_ path: String) -> SandboxError {
        var e = self
        if let details = details?.objectValue {
            e.details = .object(Dictionary(uniqueKeysWithValues: details.map { ("\(path).\($0.key)", $0.value) }))
        } else {
            e.details = .object([path: [["description": .string(description ?? error), "error": .string(error)]]])
        }
        return e
    }
}

import Foundation
import JSONCore

/// The sandbox's data: generated records plus everything changed since start (the overlay).
///
/// Reads consult the overlay first, then the generator. Not thread-safe by itself: ``SandboxState`` guards it.
struct World: Sendable {
    let generator: Generator
    let adminEmail: String
    var tickets: [Int64: Ticket] = [:]
    var deletedTickets: Set<Int64> = []
    var ticketChanges = ChangeLog()
    /// Tickets with an `external_id`, by it (generated tickets have none), for `?external_id=` lookups.
    var ticketsByExternalId: [String: Set<Int64>] = [:]
    var nextTicketId: Int64
    var comments: [Int64: [Comment]] = [:]
    var nextCommentSerial: Int64 = 1
    var users: [Int64: User] = [:]
    var userChanges = ChangeLog()
    var nextUserIndex: Int
    var organizations: [Int64: Organization] = [:]
    var organizationChanges = ChangeLog()
    var deletedOrganizations: Set<Int64> = []
    var nextOrganizationIndex: Int

    init(generator: Generator, adminEmail: String) {
        self.generator = generator
        self.adminEmail = adminEmail
        nextTicketId = Int64(generator.ticketCount) + 1
        nextUserIndex = generator.userCount
        nextOrganizationIndex = generator.organizationCount
    }

    // MARK: Tickets

    var generatedTicketRange: ClosedRange<Int64> { 1...Int64(max(1, generator.ticketCount)) }

    /// A ticket that exists (deleted ones excluded).
    func ticket(_ id: Int64) -> Ticket? {
        if deletedTickets.contains(id) { return nil }
        if let t = tickets[id] { return t }
        guard generator.ticketCount > 0, generatedTicketRange.contains(id) else { return nil }
        return generator.ticket(id: id)
    }

    /// A ticket as incremental exports show it: deleted ones with status `deleted`.
    func exportedTicket(_ id: Int64) -> Ticket? {
        if let t = tickets[id] {
            if deletedTickets.contains(id) {
                var d = t
                d.status = "deleted"
                return d
            }
            return t
        }
        guard generator.ticketCount > 0, generatedTicketRange.contains(id) else { return nil }
        return generator.ticket(id: id)
    }

    /// True when the ticket exists and is not deleted (without generating it).
    func ticketExists(_ id: Int64) -> Bool {
        id >= 1 && id < nextTicketId && !deletedTickets.contains(id)
    }

    /// Ids of live tickets in ascending order, starting after `after`.
    func ticketIds(after: Int64, limit: Int) -> [Int64] {
        Self.ids(in: 1..<nextTicketId, after: after, limit: limit, where: ticketExists)
    }

    /// Ids of live tickets in ascending order, ending before `before`.
    func ticketIds(before: Int64, limit: Int) -> [Int64] {
        Self.ids(in: 1..<nextTicketId, before: before, limit: limit, where: ticketExists)
    }

    /// Up to `limit` ids of `range` satisfying `matches`, ascending, strictly after `after`.
    static func ids(in range: Range<Int64>, after: Int64, limit: Int, where matches: (Int64) -> Bool) -> [Int64] {
        var out: [Int64] = []
        var id = max(after + 1, range.lowerBound)
        while out.count < limit && id < range.upperBound {
            if matches(id) { out.append(id) }
            id += 1
        }
        return out
    }

    /// Up to `limit` ids of `range` satisfying `matches`, ascending, the last ones strictly before `before`.
    static func ids(in range: Range<Int64>, before: Int64, limit: Int, where matches: (Int64) -> Bool) -> [Int64] {
        var out: [Int64] = []
        var id = min(before - 1, range.upperBound - 1)
        while out.count < limit && id >= range.lowerBound {
            if matches(id) { out.append(id) }
            id -= 1
        }
        return out.reversed()
    }

    /// Every id below `nextTicketId` exists (generated or created) unless deleted.
    var liveTicketCount: Int { Int(nextTicketId - 1) - deletedTickets.count }

    mutating func store(_ t: Ticket) {
        if let old = tickets[t.id]?.externalId { ticketsByExternalId[old]?.remove(t.id) }
        if let external = t.externalId { ticketsByExternalId[external, default: []].insert(t.id) }
        tickets[t.id] = t
        ticketChanges.record(id: t.id, ts: t.generatedTimestamp)
    }

    // MARK: Comments

    func comments(ticket id: Int64) -> [Comment] {
        guard ticket(id) != nil else { return [] }
        var out: [Comment] = []
        if generatedTicketRange.contains(id) && generator.ticketCount > 0 {
            out = generator.comments(of: generator.ticket(id: id))
        }
        return out + (comments[id] ?? [])
    }

    // MARK: Users

    func user(_ id: Int64) -> User? {
        if let u = users[id] { return u }
        // Compared before subtracting: an id from a request may be anything, Int64.min included.
        guard id >= Generator.userBase, id - Generator.userBase < Int64(generator.userCount) else { return nil }
        let index = Int(id - Generator.userBase)
        return generator.user(index: index, adminEmail: adminEmail)
    }

    /// The user with this e-mail: changed or created users first, then the generated ones (whose address ends in
    /// their index: `jane.doe17@example.com`).
    func user(email: String) -> User? {
        if let u = users.values.first(where: { $0.email == email }) { return u }
        let local = email.split(separator: "@").first.map(String.init) ?? ""
        let digits = String(local.reversed().prefix { $0.isNumber }.reversed())
        guard let index = Int(digits), let u = user(Generator.userBase + Int64(index)), users[u.id] == nil, u.email == email else { return nil }
        return u
    }

    var userIdRange: Range<Int64> { Generator.userBase..<(Generator.userBase + Int64(nextUserIndex)) }

    mutating func store(_ u: User) {
        users[u.id] = u
        userChanges.record(id: u.id, ts: u.updatedAt)
    }

    // MARK: Organizations

    func organization(_ id: Int64) -> Organization? {
        if deletedOrganizations.contains(id) { return nil }
        if let o = organizations[id] { return o }
        guard id >= Generator.organizationBase, id - Generator.organizationBase < Int64(generator.organizationCount) else { return nil }
        let index = Int(id - Generator.organizationBase)
        return generator.organization(index: index)
    }

    var organizationIdRange: Range<Int64> { Generator.organizationBase..<(Generator.organizationBase + Int64(nextOrganizationIndex)) }

    mutating func store(_ o: Organization) {
        organizations[o.id] = o
        organizationChanges.record(id: o.id, ts: o.updatedAt)
    }

    /// Creates an organization from an `organization` object; names are unique, as in Zendesk.
    mutating func createOrganization(_ o: [String: JSONValue], at: Int64) throws(SandboxError) -> Organization {
        guard let name = o["name"]?.stringValue, !name.isEmpty else { throw TicketInput.invalid("name", "Name: cannot be blank") }
        if organizations.values.contains(where: { $0.name == name && !deletedOrganizations.contains($0.id) })
            || generator.organizationName(name) != nil
        {
            throw TicketInput.invalid("name", "Name: \(name) has already been taken")
        }
        let org = Organization(
            id: Generator.organizationBase + Int64(nextOrganizationIndex), name: name,
            domainNames: o["domain_names"]?.arrayValue?.compactMap(\.stringValue) ?? [], tags: o["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            createdAt: at, updatedAt: at
        )
        nextOrganizationIndex += 1
        store(org)
        return org
    }

    // MARK: Users

    /// Creates a user from a `user` object whose name has been checked.
    mutating func createUser(_ o: [String: JSONValue], name: String, at: Int64) -> User {
        let u = User(
            id: Generator.userBase + Int64(nextUserIndex), name: name, email: o["email"]?.stringValue ?? "",
            role: o["role"]?.stringValue ?? "end-user", organizationId: o["organization_id"]?.integerValue,
            phone: o["phone"]?.stringValue, active: true, tags: o["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            externalId: o["external_id"]?.stringValue, createdAt: at, updatedAt: at
        )
        nextUserIndex += 1
        store(u)
        return u
    }
}

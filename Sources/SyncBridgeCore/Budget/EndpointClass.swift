import Foundation

/// A group of provider endpoints that share one rate limit. Every request spends from ``general`` (the account's
/// limit) and from the more specific classes it belongs to, such as Zendesk's incremental exports.
public struct EndpointClass: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// A class by its name (Zendesk's `Zendesk-RateLimit-<name>` headers name them).
    public init(rawValue: String) { self.rawValue = rawValue.lowercased() }

    /// The account-wide limit every request counts against.
    public static let general = EndpointClass(rawValue: "general")
    /// Zendesk's incremental exports (`/api/v2/incremental/…`): 10 a minute, 30 with the High Volume add-on.
    public static let incrementalExports = EndpointClass(rawValue: "incremental-exports")

    public var description: String { rawValue }
    public static func < (a: EndpointClass, b: EndpointClass) -> Bool { a.rawValue < b.rawValue }
}

/// What one provider request spends: the account it is made for and the classes it counts against.
public struct RequestBudgetKey: Hashable, Sendable {
    public var account: UUID
    /// Specific classes first, ``EndpointClass/general`` last: a request waits for its scarcest bucket before it takes
    /// a slot of the account's general one, so the general slot is taken when the request really goes.
    public var classes: [EndpointClass]

    /// A key; `general` is added (last) when missing.
    public init(account: UUID, classes: [EndpointClass] = []) {
        self.account = account
        self.classes = classes.filter { $0 != .general } + [.general]
    }
}

import SyncBridgeCore

/// What an OAuth account's granted scopes allow. Zendesk's scopes are `read`, `write`, or per resource
/// (`tickets:write`); an account connected with an API token carries no scope and may do what its user may.
enum ZendeskScopes {
    /// The scopes the account was granted; nil when it was not connected through OAuth.
    static func granted(_ account: IntegratedAccount) -> Set<String>? {
        guard let text = account.context["scope"]?.stringValue else { return nil }
        return Set(text.split(separator: " ").map(String.init))
    }

    /// Why the account may not write `resources` for `purpose`, or nil when it may.
    static func writeProblem(_ account: IntegratedAccount, resources: [String], purpose: String) -> String? {
        guard let granted = granted(account), !granted.contains("write") else { return nil }
        let missing = resources.filter { !granted.contains("\($0):write") }
        guard !missing.isEmpty else { return nil }
        return "the account was connected with scope '\(granted.sorted().joined(separator: " "))', and \(purpose) needs 'write' "
            + "(or \(missing.map { "\($0):write" }.joined(separator: ", "))); reconnect it with scopes 'read write'"
    }
}

import Foundation
import SyncBridgeCore

/// Creates environments and API tokens (the CLI's `token create`, and tests).
public struct TokenIssuer: Sendable {
    let store: any Store
    let clock: any WallClock

    /// Creates an issuer.
    public init(store: any Store, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Creates a token in the named environment (created if it does not exist) and returns the token itself, which
    /// is not stored anywhere and cannot be shown again.
    public func createToken(name: String, environment: String) async throws -> (token: String, environment: Environment) {
        let token = Tokens.newAPIToken()
        let now = clock.now()
        let env = try await store.transaction { session in
            let env: Environment
            if let existing = try await session.environment(named: environment) {
                env = existing
            } else {
                env = Environment(name: environment, createdAt: now)
                try await session.insertEnvironment(env)
            }
            try await session.insertToken(APIToken(environmentId: env.id, name: name, tokenHash: Tokens.hash(token), createdAt: now))
            return env
        }
        return (token, env)
    }
}

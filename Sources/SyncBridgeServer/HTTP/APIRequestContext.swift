import Foundation
import Hummingbird
import SyncBridgeCore

/// Request context of the API: the environment of the authenticated token, once the auth middleware has run.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The environment the bearer token belongs to.
    public var environmentId: UUID?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The environment, or a 401 when the request is not authenticated (routes behind the auth middleware always are).
    func requireEnvironment() throws -> UUID {
        guard let environmentId else {
            throw SyncBridgeError(.unauthorized, code: "unauthorized", message: "Missing or invalid bearer token.")
        }
        return environmentId
    }
}

import AsyncHTTPClient
import Logging
import ServiceLifecycle
import Storage
import UnixSignals

/// Runs long-lived services until SIGTERM/SIGINT, then shuts down the HTTP client and closes the store, on success
/// and on failure alike.
func runUntilSignalled(_ services: [any Service], httpClient: HTTPClient, store: any Store, logger: Logger) async throws {
    let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    do {
        try await group.run()
    } catch {
        try? await httpClient.shutdown()
        try? await store.close()
        throw error
    }
    try await httpClient.shutdown()
    try await store.close()
}

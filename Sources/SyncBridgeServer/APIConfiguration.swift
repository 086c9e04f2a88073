/// Settings of the HTTP API.
public struct APIConfiguration: Sendable {
    /// Interface to bind.
    public var host: String
    /// Port to bind (0 = any free port).
    public var port: Int
    /// Largest request body accepted; larger bodies get 413.
    public var maxBodyBytes: Int
    /// The URL providers reach this API at (for push notification endpoints), e.g. `https://sync.example.com`.
    /// Nil: taken from the `Host` of the request that creates the push trigger.
    public var publicURL: String?

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1024 * 1024) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
    }
}

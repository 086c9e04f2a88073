/// Settings of the HTTP API.
public struct APIConfiguration: Sendable {
    /// Interface to bind.
    public var host: String
    /// Port to bind (0 = any free port).
    public var port: Int
    /// Largest request body accepted; larger bodies get 413.
    public var maxBodyBytes: Int
    /// Longest request target (path and query) accepted, in bytes; longer ones get 414.
    public var maxURIBytes = 8 * 1024
    /// Most header fields, and most bytes of header fields, accepted in one request; more get 431. (SwiftNIO's parser
    /// itself closes connections whose header block passes 80 KiB, with a bare 400.)
    public var maxHeaderFields = 100
    public var maxHeaderBytes = 32 * 1024
    /// A connection that delivers no complete request part for this long is closed: an idle keep-alive connection,
    /// and one that sends its request head a byte at a time (slowloris), which never completes a part.
    public var idleTimeout: Duration = .seconds(30)
    /// Longest a request body may take to arrive once its head is in; slower bodies get 408.
    public var bodyReadTimeout: Duration = .seconds(30)
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

import Foundation

/// What a provider's answer said about its limits: per endpoint class, the limit, what remains of the current window
/// and when it resets; and whether the request itself was throttled (429) and for how long.
public struct RateLimitObservation: Sendable, Equatable {
    /// One class's figures, as far as the headers gave them.
    public struct Reading: Sendable, Equatable {
        /// Requests allowed per minute.
        public var limit: Int?
        /// Requests left in the current window.
        public var remaining: Int?
        /// Seconds until the window resets.
        public var resetSeconds: Double?

        public init(limit: Int? = nil, remaining: Int? = nil, resetSeconds: Double? = nil) {
            self.limit = limit
            self.remaining = remaining
            self.resetSeconds = resetSeconds
        }
    }

    public var readings: [EndpointClass: Reading]
    /// The request was refused for its rate (HTTP 429).
    public var throttled: Bool
    /// `Retry-After`, in seconds, when throttled.
    public var retryAfter: Double?

    public init(readings: [EndpointClass: Reading] = [:], throttled: Bool = false, retryAfter: Double? = nil) {
        self.readings = readings
        self.throttled = throttled
        self.retryAfter = retryAfter
    }

    /// Nothing to learn: no figures and no throttling.
    public var isEmpty: Bool { readings.isEmpty && !throttled }
}

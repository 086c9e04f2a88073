import Foundation

/// One bucket's pacing: requests go at most one every `(60 + margin) / perMinute` seconds, never before
/// `blockedUntil`. With no saved-up burst, any 60-second window of sends holds at most `perMinute` requests, and the
/// margin keeps that true where the provider counts arrivals that bunched up by less than `margin` seconds (latency
/// jitter, processes waking together). The state is small and plain so every process sharing a budget can keep it
/// in one database row.
public struct RequestPacer: Sendable, Equatable {
    /// The limit in requests per minute (nil: none known, requests are not spaced).
    public var perMinute: Double?
    /// Whether `perMinute` came from the provider's headers rather than from configuration.
    public var learned: Bool
    /// The earliest instant the next request may go.
    public var nextSlot: Date
    /// No request goes before this (the provider throttled, or said nothing remains until its window resets).
    public var blockedUntil: Date?

    /// A pacer starting from a configured limit.
    public init(perMinute: Double?, learned: Bool = false, nextSlot: Date = .distantPast, blockedUntil: Date? = nil) {
        self.perMinute = perMinute.flatMap { $0 > 0 ? $0 : nil }
        self.learned = learned
        self.nextSlot = nextSlot
        self.blockedUntil = blockedUntil
    }

    /// Seconds between two requests.
    public func spacing(margin: Double) -> Double {
        guard let perMinute else { return 0 }
        return (60 + max(0, margin)) / perMinute
    }

    /// Takes the next slot: the instant the request may go (`now` or later). Returns nil, taking nothing, when that
    /// is more than `maxWait` seconds away.
    public mutating func reserve(now: Date, margin: Double, maxWait: Double? = nil) -> Date? {
        var slot = max(now, nextSlot)
        if let blockedUntil, blockedUntil > slot { slot = blockedUntil }
        if let maxWait, slot.timeIntervalSince(now) > maxWait { return nil }
        nextSlot = slot.addingTimeInterval(spacing(margin: margin))
        return slot
    }

    /// How long a request asked for now would wait.
    public func wait(now: Date) -> Double {
        max(0, max(nextSlot, blockedUntil ?? .distantPast).timeIntervalSince(now))
    }

    /// Follows what the provider said about this bucket: its limit replaces the configured one, and when nothing
    /// remains of the window no request goes until it resets. Returns whether anything changed.
    @discardableResult
    public mutating func learn(_ reading: RateLimitObservation.Reading, now: Date) -> Bool {
        var changed = false
        if let limit = reading.limit, limit > 0, perMinute != Double(limit) || !learned {
            perMinute = Double(limit)
            learned = true
            changed = true
        }
        if reading.remaining == 0, let reset = reading.resetSeconds, reset > 0 {
            changed = block(until: now.addingTimeInterval(reset)) || changed
        }
        return changed
    }

    /// Follows one answer's observation as this bucket (`endpointClass`): its reading, and a block for its
    /// `Retry-After` when the 429 is blamed on this class (see ``RateLimitObservation/throttledClasses(of:)``).
    public mutating func follow(_ observation: RateLimitObservation, as endpointClass: EndpointClass, throttled: Bool, now: Date) {
        if let reading = observation.readings[endpointClass] { learn(reading, now: now) }
        if throttled { block(until: now.addingTimeInterval(observation.blockSeconds(for: endpointClass))) }
    }

    /// No request before `until`; returns whether that moved the block.
    @discardableResult
    public mutating func block(until: Date) -> Bool {
        guard until > (blockedUntil ?? .distantPast) else { return false }
        blockedUntil = until
        return true
    }
}

extension RateLimitObservation {
    /// Whether the observation could change a pacer whose known limit is `known` (false for an ordinary answer
    /// repeating the limit already learned, so drivers that share a database row skip the write).
    public func matters(for endpointClass: EndpointClass, knownLimit known: Double?, isThrottledClass: Bool) -> Bool {
        if isThrottledClass { return true }
        guard let reading = readings[endpointClass] else { return false }
        if let limit = reading.limit, limit > 0, Double(limit) != known { return true }
        return reading.remaining == 0 && (reading.resetSeconds ?? 0) > 0
    }

    /// The classes a 429 is blamed on: those whose reading says nothing remains, else the request's most specific
    /// class (a request counting only against the account's limit blames that).
    public func throttledClasses(of key: RequestBudgetKey) -> [EndpointClass] {
        guard throttled else { return [] }
        let empty = key.classes.filter { readings[$0]?.remaining == 0 }
        return empty.isEmpty ? Array(key.classes.prefix(1)) : empty
    }

    /// Every class the observation can teach something about: the request's own, and any other its headers name.
    public func classes(of key: RequestBudgetKey) -> [EndpointClass] {
        key.classes + readings.keys.filter { !key.classes.contains($0) }.sorted()
    }

    /// How long a throttled class stays blocked: `Retry-After`, else the class's reset, else a minute.
    public func blockSeconds(for endpointClass: EndpointClass) -> Double {
        max(1, retryAfter ?? readings[endpointClass]?.resetSeconds ?? 60)
    }
}

/// Changed records ordered by (timestamp, id): the part of an incremental export that is not generated data.
struct ChangeLog: Sendable {
    private(set) var entries: [(ts: Int64, id: Int64)] = []
    private var position: [Int64: Int64] = [:]

    /// Records that `id` changed at `ts`, replacing its previous entry.
    mutating func record(id: Int64, ts: Int64) {
        if let old = position[id], let i = index(of: (old, id)) { entries.remove(at: i) }
        let at = firstIndex(after: (ts, id - 1))
        entries.insert((ts, id), at: at)
        position[id] = ts
    }

    func contains(_ id: Int64) -> Bool { position[id] != nil }

    /// The first index whose entry is strictly after `key`.
    func firstIndex(after key: (ts: Int64, id: Int64)) -> Int {
        var lo = 0
        var hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let e = entries[mid]
            if e.ts < key.ts || (e.ts == key.ts && e.id <= key.id) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private func index(of key: (ts: Int64, id: Int64)) -> Int? {
        let i = firstIndex(after: (key.ts, key.id - 1))
        return i < entries.count && entries[i] == key ? i : nil
    }
}

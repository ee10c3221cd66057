/// The known name a misspelled one most likely meant, by edit distance: close enough only when
/// at most a third of it differs (`HERALD_DISPATCHER_BATCHSIZE` → `HERALD_DISPATCHER_BATCH_SIZE`,
/// `dispatcher.batchsize` → `dispatcher.batch_size`), so an unrelated name gets no suggestion.
enum ClosestName {
    static func to(_ name: String, among known: some Sequence<String>) -> String? {
        let target = Array(name.lowercased().utf8)
        var best: (name: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(target, Array(candidate.lowercased().utf8))
            if distance < best?.distance ?? .max || (distance == best?.distance && candidate < best!.name) {
                best = (candidate, distance)
            }
        }
        guard let best, best.distance <= max(1, target.count / 3) else { return nil }
        return best.name
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

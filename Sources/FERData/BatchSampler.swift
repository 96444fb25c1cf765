import Autodiff

/// Decides which samples go into which batch, epoch by epoch. The same (seed, epoch) always
/// gives the same batches.
public protocol BatchSampler: Sendable {
    func batches(epoch: Int) -> [[Int]]
}

/// Every sample once per epoch, in a fresh seeded order each epoch (or in order, for
/// evaluation), cut into batches; the last batch may be smaller unless `dropLast`.
public struct ShuffledBatchSampler: BatchSampler {
    public let count: Int
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    public let seed: UInt64

    public init(count: Int, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false, seed: UInt64 = 0) {
        precondition(batchSize > 0, "ShuffledBatchSampler: batch size \(batchSize) must be positive")
        self.count = count
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed
    }

    /// The sample order of an epoch.
    public func order(epoch: Int) -> [Int] {
        var order = Array(0..<count)
        if shuffle {
            var generator = RandomGenerator(seed: Seeds.derive(seed, Seeds.Purpose.shuffle, UInt64(epoch)))
            generator.shuffle(&order)
        }
        return order
    }

    public func batches(epoch: Int) -> [[Int]] {
        let order = order(epoch: epoch)
        var result: [[Int]] = []
        var start = 0
        while start < order.count {
            let end = min(start + batchSize, order.count)
            if end - start < batchSize && dropLast { break }
            result.append(Array(order[start..<end]))
            start = end
        }
        return result
    }
}

/// Class-balanced batches (the paper's AffectNet protocol): every class appears in every batch,
/// each class getting batchSize / C places and the remainder going to classes chosen at random
/// per batch. Each class is drawn without replacement from its own shuffled list, reshuffled
/// when used up, so small classes are oversampled and large ones undersampled. An epoch has as
/// many batches as the data set has samples / batch size (rounded up).
public struct ClassBalancedBatchSampler: BatchSampler {
    public let indicesByClass: [[Int]]
    public let batchSize: Int
    public let batchesPerEpoch: Int
    public let seed: UInt64

    public init(labels: [Int], classCount: Int, batchSize: Int, seed: UInt64 = 0) throws {
        var groups = [[Int]](repeating: [], count: classCount)
        for (i, label) in labels.enumerated() {
            guard (0..<classCount).contains(label) else {
                throw FERDataError.invalidValue("class-balanced sampler: label \(label) of sample \(i) out of range 0...\(classCount - 1)")
            }
            groups[label].append(i)
        }
        guard batchSize >= classCount else {
            throw FERDataError.invalidValue("class-balanced sampling needs a batch of at least one per class: batch size \(batchSize) < \(classCount) classes")
        }
        if let empty = groups.firstIndex(where: { $0.isEmpty }) {
            throw FERDataError.invalidValue("class-balanced sampling: class \(empty) has no samples")
        }
        self.indicesByClass = groups
        self.batchSize = batchSize
        self.batchesPerEpoch = (labels.count + batchSize - 1) / batchSize
        self.seed = seed
    }

    public func batches(epoch: Int) -> [[Int]] {
        let classCount = indicesByClass.count
        var generator = RandomGenerator(seed: Seeds.derive(seed, Seeds.Purpose.classBalancedOrder, UInt64(epoch)))
        var pools = indicesByClass.map { _ in [Int]() }
        func draw(_ c: Int) -> Int {
            if pools[c].isEmpty {
                pools[c] = indicesByClass[c]
                generator.shuffle(&pools[c])
            }
            return pools[c].removeLast()
        }
        var result: [[Int]] = []
        for _ in 0..<batchesPerEpoch {
            var perClass = [Int](repeating: batchSize / classCount, count: classCount)
            var classes = Array(0..<classCount)
            generator.shuffle(&classes)
            for c in classes.prefix(batchSize % classCount) { perClass[c] += 1 }
            var batch: [Int] = []
            for c in 0..<classCount { for _ in 0..<perClass[c] { batch.append(draw(c)) } }
            generator.shuffle(&batch)
            result.append(batch)
        }
        return result
    }
}

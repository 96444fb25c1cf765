import Autodiff
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One prepared batch: images [B, 3, H, W] and their labels; under data parallelism only some
/// rows of a batch of the sampler (`BatchLoader.start(epoch:rows:)`).
public struct Batch: @unchecked Sendable {
    public let images: Tensor<Float>
    public let labels: [Int]
    /// The data set indices of the samples, in batch order.
    public let indices: [Int]
    public let epoch: Int
    public let batchIndex: Int
    /// The size of the sampler's batch these rows were taken from.
    public let globalCount: Int
}

/// Decodes and augments batches on a background thread while the caller trains, keeping at
/// most `prefetch` prepared batches waiting. The result depends only on the seed: sample
/// order comes from the sampler, and each sample's augmentation draws from its own generator
/// seeded by (seed, epoch, position in the epoch), so thread timing cannot change anything.
public final class BatchLoader<Dataset: LabeledImageDataset>: @unchecked Sendable {
    public let dataset: Dataset
    public let sampler: BatchSampler
    public let transform: ImageTransform
    public let seed: UInt64
    public let prefetch: Int
    /// Threads decoding the images of one batch at once (1 = the producer thread alone).
    public let decodeThreads: Int
    /// The producer thread's name (Linux keeps 15 bytes), e.g. to tell train and test loaders apart.
    public let threadName: String

    public init(dataset: Dataset, sampler: BatchSampler, transform: ImageTransform, seed: UInt64,
                prefetch: Int = 2, decodeThreads: Int = 1, threadName: String = "FERData.loader") {
        precondition(prefetch >= 1, "BatchLoader: prefetch \(prefetch) must be at least 1")
        precondition(decodeThreads >= 1, "BatchLoader: decodeThreads \(decodeThreads) must be at least 1")
        self.dataset = dataset
        self.sampler = sampler
        self.transform = transform
        self.seed = seed
        self.prefetch = prefetch
        self.decodeThreads = decodeThreads
        self.threadName = threadName
    }

    /// Starts preparing an epoch's batches in the background; read them with `next()`. With
    /// `rows`, only the rows `rows(batch size)` of each batch are decoded (one process's shard),
    /// each with the augmentation it has in the whole batch.
    public func start(epoch: Int, rows: ((Int) -> Range<Int>)? = nil) -> EpochBatches {
        let plan = sampler.batches(epoch: epoch)
        // The thread holds only the queue, not the consumer's handle, so that dropping the
        // handle cancels the work instead of leaving the thread waiting for room forever.
        let queue = BatchQueue(capacity: prefetch)
        let thread = Thread { [self] in
            nameCurrentThread(threadName)
            var position = 0
            for (b, indices) in plan.enumerated() {
                if queue.isCancelled { return }
                let taken = rows?(indices.count) ?? indices.indices
                let result = Result {
                    try self.makeBatch(Array(indices[taken]), epoch: epoch, batchIndex: b, position: position + taken.lowerBound,
                                       globalCount: indices.count)
                }
                position += indices.count
                guard queue.put(result) else { return }
                if case .failure = result { return }
            }
        }
        thread.name = threadName
        thread.start()
        return EpochBatches(batchCount: plan.count, queue: queue)
    }

    /// Prepares one batch on the calling thread (the background thread calls this too); `position`
    /// is its first sample's position in the epoch, which seeds the samples' augmentation.
    public func makeBatch(_ indices: [Int], epoch: Int, batchIndex: Int, position: Int, globalCount: Int? = nil) throws -> Batch {
        let sampleCount = transform.sampleCount
        var buffer = [Float](repeating: 0, count: indices.count * sampleCount)
        let failures = ParallelErrors()
        let perThread = (indices.count + decodeThreads - 1) / decodeThreads
        buffer.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: min(decodeThreads, max(1, indices.count))) { worker in
                var local = [Float](repeating: 0, count: sampleCount)
                for slot in (worker * perThread)..<min(indices.count, (worker + 1) * perThread) {
                    do {
                        let image = try dataset.loadImage(at: indices[slot])
                        var generator = RandomGenerator(seed: Seeds.derive(seed, UInt64(epoch), UInt64(position + slot)))
                        let flip = transform.drawFlip(using: &generator)
                        transform.write(image, flip: flip, into: &local, offset: 0)
                        (base + slot * sampleCount).update(from: local, count: sampleCount)
                    } catch {
                        failures.record(error, at: slot)
                    }
                }
            }
        }
        if let error = failures.first { throw error }
        return Batch(images: Tensor(shape: [indices.count, 3, transform.height, transform.width], scalars: buffer),
                     labels: indices.map { dataset.label(at: $0) }, indices: indices, epoch: epoch, batchIndex: batchIndex,
                     globalCount: globalCount ?? indices.count)
    }
}

/// Names the OS thread (visible in debuggers, `top -H` and /proc), cut to 15 bytes on Linux.
private func nameCurrentThread(_ name: String) {
    #if os(Linux)
    // pthread_setname_np is not visible to Swift without _GNU_SOURCE; the kernel takes the
    // same name through the calling thread's own comm file.
    if let file = fopen("/proc/thread-self/comm", "w") {
        _ = fputs(String(decoding: name.utf8.prefix(15), as: UTF8.self), file)
        fclose(file)
    }
    #else
    Thread.current.name = name
    #endif
}

/// The batches of one epoch as they are prepared, in order. Dropping it (or calling
/// `cancel()`) stops the background work after the batch in progress.
public final class EpochBatches: @unchecked Sendable {
    public let batchCount: Int
    private let queue: BatchQueue
    private var delivered = 0
    private var failed = false

    init(batchCount: Int, queue: BatchQueue) {
        self.batchCount = batchCount
        self.queue = queue
    }

    deinit { queue.cancel() }

    /// The next batch, waiting for it if needed; nil after the last one. Rethrows the error that
    /// stopped preparation (a corrupt image names its file).
    public func next() throws -> Batch? {
        if delivered >= batchCount || failed { return nil }
        delivered += 1
        switch queue.take() {
        case let .success(batch): return batch
        case let .failure(error): failed = true; throw error
        }
    }

    public func cancel() { queue.cancel() }
}

/// A bounded queue between the loader's thread and the consumer.
final class BatchQueue: @unchecked Sendable {
    private let capacity: Int
    private let condition = NSCondition()
    private var ready: [Result<Batch, Error>] = []
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    var isCancelled: Bool { condition.lock(); defer { condition.unlock() }; return cancelled }

    func cancel() {
        condition.lock()
        cancelled = true
        ready.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for room, then queues a result; false when the consumer has gone.
    func put(_ result: Result<Batch, Error>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        ready.append(result)
        condition.broadcast()
        return true
    }

    func take() -> Result<Batch, Error> {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty { condition.wait() }
        let result = ready.removeFirst()
        condition.broadcast()
        return result
    }
}

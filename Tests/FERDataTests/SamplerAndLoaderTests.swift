import Autodiff
import FERData
import Foundation
import Testing

/// Images generated in memory, each with its own colour, for loader tests without files.
struct ColourDataset: LabeledImageDataset {
    let labelsList: [Int]
    var failAt: Int? = nil
    var classNames: [String] { ["a", "b", "c", "d"] }
    var count: Int { labelsList.count }
    func label(at index: Int) -> Int { labelsList[index] }
    func source(at index: Int) -> String { "colour #\(index)" }
    func loadImage(at index: Int) throws -> RGBImage {
        if index == failAt { throw FERDataError.corruptImage(path: "colour #\(index)", reason: "test failure") }
        // Left half bright, right half dark: flips are visible.
        var pixels: [UInt8] = []
        for _ in 0..<6 { for x in 0..<6 { pixels += [UInt8(index % 256), x < 3 ? 200 : 20, UInt8(label(at: index) * 60)] } }
        return RGBImage(width: 6, height: 6, pixels: pixels)
    }
}

@Suite struct SamplerAndLoaderTests {
    @Test func shuffledSamplerCoversEverySampleOncePerEpochWithNewOrders() {
        let sampler = ShuffledBatchSampler(count: 23, batchSize: 5, seed: 4)
        let e0 = sampler.batches(epoch: 0), e1 = sampler.batches(epoch: 1)
        #expect(e0.map(\.count) == [5, 5, 5, 5, 3])
        #expect(e0.flatMap { $0 }.sorted() == Array(0..<23))
        #expect(e0 != e1 && e0 == sampler.batches(epoch: 0))
        #expect(ShuffledBatchSampler(count: 23, batchSize: 5, dropLast: true, seed: 4).batches(epoch: 0).count == 4)
        #expect(ShuffledBatchSampler(count: 7, batchSize: 3, shuffle: false).batches(epoch: 3) == [[0, 1, 2], [3, 4, 5], [6]])
    }

    @Test func balancedSamplerPutsEveryClassInEveryBatch() throws {
        // Very unbalanced: 90 of class 0, 6 of 1, 3 of 2, 1 of 3.
        let labels = Array(repeating: 0, count: 90) + Array(repeating: 1, count: 6) + [2, 2, 2, 3]
        let sampler = try ClassBalancedBatchSampler(labels: labels, classCount: 4, batchSize: 10, seed: 2)
        let batches = sampler.batches(epoch: 0)
        #expect(batches.count == 10)
        var perClass = [Int](repeating: 0, count: 4)
        for batch in batches {
            #expect(batch.count == 10)
            let classes = batch.map { labels[$0] }
            #expect(Set(classes) == [0, 1, 2, 3])
            for c in 0..<4 { #expect((2...3).contains(classes.filter { $0 == c }.count)) }
            for c in classes { perClass[c] += 1 }
        }
        #expect(perClass.reduce(0, +) == 100 && perClass.allSatisfy { (20...30).contains($0) }, "\(perClass)")
        // Each class is drawn without replacement until used up: its samples' use counts differ by at most 1.
        for c in 0..<4 {
            var uses: [Int: Int] = [:]
            for i in batches.flatMap({ $0 }) where labels[i] == c { uses[i, default: 0] += 1 }
            if c > 0 { #expect(uses.count == labels.filter { $0 == c }.count) }
            #expect(uses.values.max()! - uses.values.min()! <= 1, "class \(c): \(uses)")
        }
        #expect(sampler.batches(epoch: 0) == batches && sampler.batches(epoch: 1) != batches)
        #expect(errorMessage { _ = try ClassBalancedBatchSampler(labels: labels, classCount: 4, batchSize: 3) }.contains("batch size 3"))
        #expect(errorMessage { _ = try ClassBalancedBatchSampler(labels: [0, 1], classCount: 3, batchSize: 3) }.contains("class 2"))
    }

    func run(_ loader: BatchLoader<ColourDataset>, epoch: Int) throws -> [Batch] {
        let epochBatches = loader.start(epoch: epoch)
        var out: [Batch] = []
        while let batch = try epochBatches.next() { out.append(batch) }
        return out
    }

    @Test func loaderIsDeterministicWhateverTheThreads() throws {
        let dataset = ColourDataset(labelsList: (0..<37).map { $0 % 4 })
        let transform = ImageTransform(size: 6, randomHorizontalFlip: true)
        func loader(threads: Int, prefetch: Int) -> BatchLoader<ColourDataset> {
            BatchLoader(dataset: dataset, sampler: ShuffledBatchSampler(count: 37, batchSize: 8, seed: 11),
                        transform: transform, seed: 11, prefetch: prefetch, decodeThreads: threads)
        }
        let a = try run(loader(threads: 1, prefetch: 1), epoch: 2)
        let b = try run(loader(threads: 3, prefetch: 4), epoch: 2)
        #expect(a.count == 5 && a.map { $0.images.shape } == [[8, 3, 6, 6], [8, 3, 6, 6], [8, 3, 6, 6], [8, 3, 6, 6], [5, 3, 6, 6]])
        #expect(a.map(\.indices) == b.map(\.indices))
        #expect(a.map { $0.images.scalars } == b.map { $0.images.scalars })
        #expect(a.flatMap(\.indices).sorted() == Array(0..<37))
        #expect(a.allSatisfy { batch in batch.labels == batch.indices.map { $0 % 4 } })
        // Some samples flipped, some not: the green channel's left column is bright or dark.
        let greenLeft = a.flatMap { batch in (0..<batch.labels.count).map { batch.images[$0, 1, 0, 0] > 0 } }
        #expect(greenLeft.contains(true) && greenLeft.contains(false))
        // Another epoch gives another order.
        #expect(try run(loader(threads: 2, prefetch: 2), epoch: 3).map(\.indices) != a.map(\.indices))
    }

    @Test func loaderImagesMatchTheTransform() throws {
        let dataset = ColourDataset(labelsList: [0, 1, 2, 3])
        let transform = ImageTransform(size: 4)
        let loader = BatchLoader(dataset: dataset, sampler: ShuffledBatchSampler(count: 4, batchSize: 4, shuffle: false),
                                 transform: transform, seed: 0)
        let batch = try #require(try run(loader, epoch: 0).first)
        let expected = transform.batch(try (0..<4).map { try dataset.loadImage(at: $0) })
        #expect(batch.images.scalars == expected.scalars)
    }

    @Test func loaderReportsTheFailingImageAndStops() throws {
        let dataset = ColourDataset(labelsList: Array(repeating: 0, count: 20), failAt: 13)
        let loader = BatchLoader(dataset: dataset, sampler: ShuffledBatchSampler(count: 20, batchSize: 4, shuffle: false),
                                 transform: ImageTransform(size: 4), seed: 0, decodeThreads: 2)
        let epoch = loader.start(epoch: 0)
        for _ in 0..<3 { #expect(try epoch.next() != nil) }
        #expect(errorMessage { _ = try epoch.next() }.contains("colour #13"))
        #expect(try epoch.next() == nil)
    }

    @Test func abandoningAnEpochStopsItsThread() throws {
        let dataset = ColourDataset(labelsList: Array(repeating: 1, count: 400))
        let loader = BatchLoader(dataset: dataset, sampler: ShuffledBatchSampler(count: 400, batchSize: 2, seed: 1),
                                 transform: ImageTransform(size: 4), seed: 0, prefetch: 1, threadName: "ferdata-abandon")
        for _ in 0..<20 {
            let epoch = loader.start(epoch: 0)
            _ = try epoch.next()
        }  // each dropped handle cancels its producer; nothing hangs
        #expect(try run(loader, epoch: 0).count == 200)
        // And the producer threads have ended (Linux: thread names in /proc, cut to 15 bytes).
        #if os(Linux)
        func producers() -> Int {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            return tasks.filter { task in
                (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?.hasPrefix("ferdata-abandon") == true
            }.count
        }
        var waited = 0
        while producers() > 0 && waited < 100 { Thread.sleep(forTimeInterval: 0.05); waited += 1 }
        #expect(producers() == 0)
        // The probe can see a producer: one blocked on a full queue is alive until cancelled.
        let held = loader.start(epoch: 1)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(producers() == 1)
        held.cancel()
        waited = 0
        while producers() > 0 && waited < 100 { Thread.sleep(forTimeInterval: 0.05); waited += 1 }
        #expect(producers() == 0)
        #endif
    }
}

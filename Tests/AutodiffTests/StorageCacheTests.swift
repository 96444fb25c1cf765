@testable import Autodiff
import CKernels
import CKernelsTestSupport
import Foundation
import Testing

/// The tensor storage cache (Sources/CKernels/memory.c): reuse by size, a bound, release,
/// thread safety, and NaN-poisoned buffers to prove no op reads memory it has not written.
@Suite(.serialized) struct StorageCacheTests {
    /// Sizes no other test uses, so the per-size counts below are this test's alone.
    static let oddBytes = 777_777

    @Test func equalSizesReuseTheSameBuffer() {
        ck_storage_cache_release()
        let first = ck_storage_acquire(Self.oddBytes)!
        ck_storage_release(first, Self.oddBytes)
        #expect(ck_storage_cached_blocks(Self.oddBytes) == 1)
        let before = StorageCache.statistics.reused
        let second = ck_storage_acquire(Self.oddBytes)!
        #expect(second == first)
        #expect(StorageCache.statistics.reused == before + 1)
        #expect(ck_storage_cached_blocks(Self.oddBytes) == 0)
        ck_storage_release(second, Self.oddBytes)
        StorageCache.release()
        #expect(ck_storage_cached_blocks(Self.oddBytes) == 0)
        #expect(StorageCache.statistics.cachedBytes == 0)
    }

    /// The mix of sizes changes within a training step, so a request takes the smallest cached
    /// buffer of at least its size and at most twice it, and the buffer goes back to its own size.
    @Test func aRequestTakesTheSmallestCachedBufferUpToTwiceItsSize() {
        StorageCache.release()
        // Sizes no other test comes near (mapped lazily: only the pages written are touched).
        let sizes = [300_000_064, 450_000_000, 900_000_064]
        let buffers = sizes.map { ck_storage_acquire($0)! }
        for (buffer, bytes) in zip(buffers, sizes) { ck_storage_release(buffer, bytes) }
        let live = StorageCache.statistics.liveBytes

        let a = ck_storage_acquire(270_000_000)!  // both smaller ones fit: the smallest
        #expect(a == buffers[0])
        #expect(StorageCache.statistics.liveBytes == live + sizes[0])  // the buffer's full size counts
        let b = ck_storage_acquire(270_000_000)!  // then the next one up
        #expect(b == buffers[1])
        let c = ck_storage_acquire(420_000_000)!  // only 900,000,064 is left: over twice the request
        #expect(!buffers.contains(c))
        a.storeBytes(of: 1, as: UInt8.self)
        (a + sizes[0] - 1).storeBytes(of: 1, as: UInt8.self)  // the whole buffer is the caller's

        ck_storage_release(a, 270_000_000)
        ck_storage_release(b, 270_000_000)
        ck_storage_release(c, 420_000_000)
        #expect(ck_storage_cached_blocks(sizes[0]) == 1)
        #expect(ck_storage_cached_blocks(sizes[1]) == 1)
        #expect(ck_storage_cached_blocks(sizes[2]) == 1)
        #expect(ck_storage_cached_blocks(420_000_000) == 1)
        #expect(StorageCache.statistics.liveBytes == live)
        StorageCache.release()
        #expect(StorageCache.statistics.cachedBytes == 0)
    }

    /// A step's phases ask for different sizes (forward the activations', backward smaller
    /// ones): the second phase takes the first phase's buffers instead of adding its own, so the
    /// cache holds one phase's worth, not both.
    @Test func phasesOfSmallerSizesReuseTheLargerBuffers() {
        StorageCache.release()
        let large = 120_000_064, smaller = 100_000_000  // mapped lazily; never touched
        for _ in 0..<3 {
            let first = (0..<4).map { _ in ck_storage_acquire(large)! }
            for b in first { ck_storage_release(b, large) }
            let second = (0..<4).map { _ in ck_storage_acquire(smaller)! }
            for b in second { ck_storage_release(b, smaller) }
        }
        #expect(ck_storage_cached_blocks(large) == 4)
        #expect(ck_storage_cached_blocks(smaller) == 0)
        StorageCache.release()
    }

    /// Releasing memory the cache did not hand out is a programmer error: it stops with a message
    /// instead of corrupting the free lists.
    @Test func releasingAForeignBufferStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let foreign = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
            memset(foreign, 0, 4096)
            ck_storage_release(foreign + 128, 1024)
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("ck_storage_acquire did not hand out"), "\(message)")
        }
    }

    @Test func tensorsGiveTheirStorageBack() {
        StorageCache.release()
        let count = 123_457  // floats
        do { _ = Tensor<Float>(zeros: [count]) }
        #expect(ck_storage_cached_blocks(count * 4) == 1)
        let reused = StorageCache.statistics.reused
        _ = Tensor<Float>(zeros: [count])
        #expect(StorageCache.statistics.reused == reused + 1)
        StorageCache.release()
    }

    @Test func theCacheStaysWithinItsLimit() {
        let limit = StorageCache.statistics.limitBytes
        defer { ck_storage_cache_set_limit(limit) }
        ck_storage_cache_set_limit(3 * 100_032)
        let buffers = (0..<5).map { _ in ck_storage_acquire(100_000)! }
        for b in buffers { ck_storage_release(b, 100_000) }
        #expect(ck_storage_cached_blocks(100_000) == 3)
        #expect(StorageCache.statistics.cachedBytes <= 3 * 100_032)
        // A lower limit empties what is over it at once.
        ck_storage_cache_set_limit(1000)
        #expect(StorageCache.statistics.cachedBytes <= 1000)
        #expect(ck_storage_cached_blocks(100_000) == 0)
    }

    @Test func concurrentUseKeepsTheBooksBalanced() {
        StorageCache.release()
        let live = StorageCache.statistics.liveBytes
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<2000 {
                let bytes = 64 * (1 + (i + worker) % 7) + 333_000
                let p = ck_storage_acquire(bytes)!
                p.storeBytes(of: UInt64(i), as: UInt64.self)  // the buffer is really ours to write
                ck_storage_release(p, bytes)
            }
        }
        #expect(StorageCache.statistics.liveBytes == live)
        // A request may take a cached buffer of a neighbouring size, so only the total is known:
        // at least one buffer, at most one per worker and size.
        let cached = (0..<7).map { ck_storage_cached_blocks(64 * (1 + $0) + 333_000) }.reduce(0, +)
        #expect(cached >= 1 && cached <= 8 * 7)
        StorageCache.release()
    }

    @Test func poisoningFillsNewBuffersWithNaN() {
        let previous = ck_storage_set_poisoning(1)
        defer { ck_storage_set_poisoning(previous) }
        do { _ = Tensor<Float>(zeros: [1000]) }  // a zeroed buffer goes to the cache...
        let reused = Tensor<Float>(uninitializedShape: [1000])  // ...and comes back as NaN
        #expect(reused.scalars.allSatisfy { $0.isNaN })
        #expect(Tensor<Double>(uninitializedShape: [333]).scalars.allSatisfy { $0.isNaN })
    }

    /// Every gradient case, forward and backward, in both scalar types, gives the same bits when
    /// every buffer handed out is NaN first: no op reads what it has not written (nor counts
    /// on fresh memory being zero).
    @Test(arguments: GradientCases.all)
    func gradientCasesNeverReadUnwrittenMemory(_ testCase: GradientCase) {
        func run<S: TensorScalar>(_ function: ([Tensor<S>]) -> Tensor<S>, _ inputs: [Tensor<S>]) -> [[S]] {
            let leaves = inputs.map { input -> Tensor<S> in
                let leaf = input.copy()
                leaf.requiresGrad = true
                return leaf
            }
            let output = function(leaves)
            var generator = RandomGenerator(seed: 7)
            let weights = Tensor<S>(randomUniform: output.shape, low: 0.5, high: 1.5, generator: &generator)
            let grads = Graph.gradients(of: (output * weights).sum(), wrt: leaves)
            return [output.scalars] + grads.map(\.scalars)
        }
        func bits<S: TensorScalar>(_ values: [[S]]) -> [[String]] { values.map { $0.map { "\($0)" } } }
        let narrow = testCase.inputs.map { $0.converted(to: Float.self) }
        let clean64 = run(testCase.function, testCase.inputs), clean32 = run(testCase.float32, narrow)
        let previous = ck_storage_set_poisoning(1)
        let poisoned64 = run(testCase.function, testCase.inputs), poisoned32 = run(testCase.float32, narrow)
        ck_storage_set_poisoning(previous)
        #expect(bits(poisoned64) == bits(clean64), "\(testCase): Float64 results change when new buffers hold NaN")
        #expect(bits(poisoned32) == bits(clean32), "\(testCase): Float32 results change when new buffers hold NaN")
    }
}

extension StorageCacheTests {
    /// Idle buffers of one size do not add to the footprint when another size is needed: a miss
    /// frees cached buffers until live + cached bytes are within the peak of live bytes.
    @Test func aMissFreesIdleBuffersBeyondThePeak() {
        let saved = Kernels.configuration
        defer { Kernels.configure(saved ?? RuntimeConfiguration()) }
        Kernels.configure(RuntimeConfiguration(storageCacheWithinLivePeak: true))
        StorageCache.release()
        StorageCache.resetPeak()
        let small = 1_000_064, large = 2_000_000
        let buffers = (0..<4).map { _ in ck_storage_acquire(small)! }
        for b in buffers { ck_storage_release(b, small) }
        #expect(ck_storage_cached_blocks(small) == 4)
        let peak = StorageCache.statistics.peakLiveBytes
        let big = ck_storage_acquire(large)!  // a miss: two idle small buffers must go
        let after = StorageCache.statistics
        #expect(after.liveBytes + after.cachedBytes <= peak)
        #expect(ck_storage_cached_blocks(small) == 2)
        ck_storage_release(big, large)
        StorageCache.release()
    }

    /// Configured off, the cache keeps every freed buffer up to its limit.
    @Test func theBoundCanBeTurnedOff() {
        let saved = Kernels.configuration
        defer { Kernels.configure(saved ?? RuntimeConfiguration()) }
        Kernels.configure(RuntimeConfiguration(storageCacheWithinLivePeak: false))
        #expect(Kernels.configuration?.storageCacheWithinLivePeak == false)
        StorageCache.release()
        StorageCache.resetPeak()
        let small = 1_000_064, large = 2_000_000
        let buffers = (0..<4).map { _ in ck_storage_acquire(small)! }
        for b in buffers { ck_storage_release(b, small) }
        let big = ck_storage_acquire(large)!
        #expect(ck_storage_cached_blocks(small) == 4)
        ck_storage_release(big, large)
        StorageCache.release()
    }
}

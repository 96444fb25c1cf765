@testable import Autodiff
import Testing

/// Backward frees what it no longer needs while it runs, not when it returns: a node's saved
/// tensors once its own backward has run, an activation once every op that used it is done.
@Suite struct BackwardReleaseTests {
    /// Watches tensors from inside a backward closure.
    final class Watch: @unchecked Sendable {
        weak var lateActivation: TensorStorage<Double>?
        weak var lateGradientInput: Tensor<Double>?
        var lateActivationAliveAtProbe: Bool?
        var liveBytesAtProbe = 0
    }

    /// x → early → probe (identity whose backward looks around) → late = exp(probe) → Σ late².
    /// By the time the probe's backward runs, `late` and its node have run and nobody else holds
    /// them, so they must be gone.
    private static func buildLoss(_ x: Tensor<Double>, _ watch: Watch) -> Tensor<Double> {
        let early = x * 2
        let probe = early.copy().recorded(.mul, [early]) { g in
            watch.lateActivationAliveAtProbe = watch.lateActivation != nil
            watch.liveBytesAtProbe = StorageCache.statistics.liveBytes
            return [g]
        }
        let late = probe.exp()  // exp saves its output for backward
        watch.lateActivation = late.storage
        let squared = late * late
        watch.lateGradientInput = squared
        return squared.sum()
    }

    @Test func activationsAreFreedDuringBackward() {
        let watch = Watch()
        let x = Tensor<Double>(shape: [4096], scalars: (0..<4096).map { Double($0) / 4096 }, requiresGrad: true)
        let loss = Self.buildLoss(x, watch)
        #expect(watch.lateActivation != nil)  // alive until backward: the graph holds it
        loss.backward()
        #expect(watch.lateActivationAliveAtProbe == false, "exp's output outlived its last use in backward")
        #expect(watch.lateGradientInput == nil)
        // The gradient is unchanged by the freeing: d/dx Σ exp(2x)² = 4 exp(4x).
        let expected = x.scalars.map { 4 * Foundation.exp(4 * $0) }
        #expect(zip(x.grad!.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-12 * abs($1) })
    }

    @Test func retainGraphKeepsActivations() {
        let watch = Watch()
        let x = Tensor<Double>(shape: [16], scalars: Array(repeating: 0.5, count: 16), requiresGrad: true)
        let loss = Self.buildLoss(x, watch)
        loss.backward(retainGraph: true)
        #expect(watch.lateActivationAliveAtProbe == true)
        loss.backward()  // the retained graph still works, and is freed this time
        #expect(watch.lateActivation == nil)
    }

    /// The graph holds an op's inputs as its vertices, not as tensors, and a backward closure
    /// captures only the values it needs: an intermediate result that no backward needs the
    /// values of (an addition's operands, a product's operand when the other one is a constant,
    /// a max-pool's input, a sum's input) is freed as soon as the caller drops it, before
    /// backward runs.
    @Test func resultsNoBackwardNeedsAreFreedBeforeBackward() {
        let x = Tensor<Double>(shape: [1, 1, 8, 8], scalars: (0..<64).map { Double($0) / 64 }, requiresGrad: true)
        let three = Tensor<Double>(repeating: 3, shape: [1, 1, 8, 8])
        weak var doubled: TensorStorage<Double>?
        weak var shifted: TensorStorage<Double>?
        weak var tripled: TensorStorage<Double>?
        weak var pooled: TensorStorage<Double>?
        let loss: Tensor<Double> = {
            let a = x * 2
            let b = a + 1
            let c = b * three
            let p = c.maxPool2d(kernelSize: 2)
            (doubled, shifted, tripled, pooled) = (a.storage, b.storage, c.storage, p.storage)
            return p.sum()
        }()
        #expect(doubled == nil && shifted == nil && tripled == nil && pooled == nil,
                "an intermediate result outlived its last use in the forward pass")
        loss.backward()
        // d/dx Σ maxpool(3(2x + 1)): 6 where each 2×2 window has its maximum (its last element).
        let expected = (0..<64).map { ($0 / 8) % 2 == 1 && ($0 % 8) % 2 == 1 ? 6.0 : 0.0 }
        #expect(x.grad?.scalars == expected)
    }

    /// Every op whose backward needs only its input's shape leaves the input to the caller.
    @Test func shapeOnlyBackwardsDoNotKeepTheirInput() {
        let x = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        let condition = Tensor<Double>(shape: [2, 3], scalars: [1, 0, 1, 0, 1, 0])
        let ops: [(name: String, apply: (Tensor<Double>) -> Tensor<Double>)] = [
            ("add", { $0 + 1 }), ("sub", { $0 - 1 }), ("sum", { $0.sum(axis: 1) }),
            ("expand", { $0.reshaped([2, 1, 3]).expanded(to: [2, 4, 3]) }), ("slice", { $0.slice(axis: 1, range: 0..<2) }),
            ("indexSelect", { $0.indexSelect(axis: 0, indices: [1, 1]) }), ("gather", { $0.gather(alongAxis: 1, indices: [0, 2]) }),
            ("concat", { Tensor.concat([$0, $0], axis: 0) }), ("stack", { Tensor.stack([$0, $0], axis: 0) }),
            ("where", { Tensor.where(condition, $0, $0 * 3) }), ("fillLowerTriangular", { $0.fillLowerTriangular(size: 2) }),
            ("max", { $0.max(axis: 1) }), ("softmax", { $0.softmax(axis: 1) * condition }),
            ("maxPool2d", { $0.reshaped([1, 1, 2, 3]).maxPool2d(kernelSize: 2, stride: 1) }),
            ("avgPool2d", { $0.reshaped([1, 1, 2, 3]).avgPool2d(kernelSize: 2, stride: 1) }),
            ("matmul with a constant", { $0.matmul(condition.transposed()) }), ("div by a constant", { $0 / 4 }),
        ]
        for op in ops {
            let (kept, loss) = Self.lossOfDoubled(x, op.apply)
            #expect(!kept, "\(op.name) kept its input for backward")
            x.zeroGrad()
            loss.backward()
            #expect(x.grad?.shape == [2, 3], "\(op.name)")
        }
    }

    /// Σ op(2x), and whether 2x (op's input, which only op saw) was still alive before backward.
    private static func lossOfDoubled(_ x: Tensor<Double>, _ op: (Tensor<Double>) -> Tensor<Double>) -> (kept: Bool, loss: Tensor<Double>) {
        weak var input: TensorStorage<Double>?
        let loss: Tensor<Double> = {
            let a = x * 2
            input = a.storage
            return op(a).sum()
        }()
        return (input != nil, loss)
    }

    /// Features multiplied by a frozen weight (no gradient) are not kept for backward, and the
    /// features' gradient comes from the weight alone.
    @Test func aProductWithAFrozenWeightDoesNotKeepTheFeatures() {
        let x = Tensor<Double>(shape: [3, 4], scalars: (0..<12).map(Double.init), requiresGrad: true)
        let frozen = Tensor<Double>(shape: [4, 2], scalars: (0..<8).map { Double($0) / 8 })
        let (kept, loss) = Self.lossOfDoubled(x) { $0.matmul(frozen) }
        #expect(!kept, "matmul kept its left operand although the right one takes no gradient")
        loss.backward()
        // d/dx Σ (2x)W = 2 · (row sums of W) in every row.
        let weights: [Double] = frozen.scalars
        var expected: [Double] = []
        for _ in 0..<3 {
            for r in 0..<4 {
                let rowSum: Double = weights[2 * r] + weights[2 * r + 1]
                expected.append(2 * rowSum)
            }
        }
        #expect(x.grad?.scalars == expected)
    }

    /// Live tensor bytes fall during a chain's backward instead of growing until it returns.
    @Test func liveBytesFallDuringBackward() {
        let x = Tensor<Double>(shape: [1 << 16], scalars: Array(repeating: 0.01, count: 1 << 16), requiresGrad: true)
        let watch = Watch()
        var before = 0
        let loss: Tensor<Double> = {
            // A chain of 16 activations of 512 KB each above the probe.
            let early = x * 2
            let probe = early.copy().recorded(.mul, [early]) { g in
                watch.liveBytesAtProbe = StorageCache.statistics.liveBytes
                return [g]
            }
            var h = probe
            for _ in 0..<16 { h = (h * 1.01).tanh() }
            return h.sum()
        }()
        before = StorageCache.statistics.liveBytes
        loss.backward()
        let chainBytes = 16 * 2 * (1 << 16) * 8
        // At the probe at most a few activations and gradients are left of the chain's 32.
        #expect(watch.liveBytesAtProbe < before - chainBytes / 2,
                "live \(watch.liveBytesAtProbe) bytes at the probe, \(before) before backward")
    }
}

import Foundation

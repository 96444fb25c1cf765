import Autodiff
import Testing

/// Reuse of tensors and graphs: gradients that add up, repeated backward, no-grad mode, freeing.
@Suite struct GraphReuseTests {
    @Test func leafUsedTwiceAccumulates() {
        let x = Tensor<Double>(shape: [3], scalars: [0.5, -1, 2], requiresGrad: true)
        // Two branches from one leaf: d/dx (x² + eˣ) = 2x + eˣ.
        (x * x + x.exp()).sum().backward()
        let expected = x.scalars.map { 2 * $0 + Foundation.exp($0) }
        #expect(zip(x.grad!.scalars, expected).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func intermediateUsedTwiceAccumulates() {
        let x = Tensor<Double>(shape: [2], scalars: [1, 3], requiresGrad: true)
        let h = x * 3
        // y = Σ h·h + Σ h  ->  dy/dx = 3 (2h + 1)
        (h * h + h).sum().backward()
        #expect(x.grad!.scalars == [21, 57])
    }

    @Test func backwardTwiceAddsIntoGrad() {
        let x = Tensor<Double>(shape: [2], scalars: [1, 2], requiresGrad: true)
        (x * x).sum().backward()
        #expect(x.grad!.scalars == [2, 4])
        (x * 5).sum().backward()
        #expect(x.grad!.scalars == [7, 9])
        // The same graph twice, kept alive by retainGraph on the first call.
        x.zeroGrad()
        let y = (x * x * x).sum()
        y.backward(retainGraph: true)
        y.backward()
        #expect(x.grad!.scalars == [6, 24])
    }

    @Test func withoutRecordingRecordsNothing() {
        let x = Tensor<Double>(shape: [2], scalars: [1, 2], requiresGrad: true)
        let y = Graph.withoutRecording { (x.exp() * x).sum() }
        #expect(!y.isTracked)  // no node: not requiresGrad and nothing recorded
        #expect(Graph.withoutRecording { Graph.isRecording } == false)
        #expect(Graph.isRecording)
    }

    @Test func withoutRecordingHoldsNoGraphMemory() {
        weak var weakInput: Tensor<Double>?
        let y: Tensor<Double>
        do {
            let x = Tensor<Double>(shape: [2], scalars: [1, 2], requiresGrad: true)
            weakInput = x
            y = Graph.withoutRecording { x.exp() * 2 }
        }
        // Nothing kept the input alive: there is no tape.
        #expect(weakInput == nil)
        #expect(y.scalars.count == 2)
    }

    @Test func graphIsFreedAfterBackward() {
        let x = Tensor<Double>(shape: [2], scalars: [1, 2], requiresGrad: true)
        weak var weakIntermediate: Tensor<Double>?
        let y: Tensor<Double>
        do {
            let h = x.exp()
            weakIntermediate = h
            y = (h * x).sum()  // x's gradient needs h
        }
        #expect(weakIntermediate != nil, "the recorded graph keeps an intermediate a backward needs alive until backward")
        y.backward()
        #expect(weakIntermediate == nil, "backward frees the graph")
        #expect(!y.isTracked)
        #expect(throws: ShapeError.self) { try Graph.checkBackward(from: y, seed: nil) }
    }

    /// A graph that never reaches backward is freed with its output: no op's backward closure
    /// keeps its own output alive (a reference cycle would leak every inference-free forward).
    @Test func unusedGraphsOfIndexingOpsAreFreed() {
        let x = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        var generator = RandomGenerator(seed: 1)
        let ops: [(Tensor<Double>) -> Tensor<Double>] = [
            { $0.slice(axis: 1, range: 0..<2) }, { $0.indexSelect(axis: 0, indices: [1, 1]) },
            { $0.gather(alongAxis: 1, indices: [0, 2]) }, { Tensor.concat([$0, $0], axis: 0) },
            { Tensor.stack([$0, $0], axis: 1) }, { $0.flattened(from: 0).fillLowerTriangular(size: 3) },
            { $0.clamp(min: 2, max: 4) }, { Tensor.where(Tensor(ones: [1, 3]), $0, $0 * 2) },
            { $0.dropout(probability: 0.5, training: true, generator: &generator) },
        ]
        for (index, op) in ops.enumerated() {
            weak var weakOutput: Tensor<Double>?
            do {
                let y = op(x)
                #expect(y.isTracked)
                weakOutput = y
            }
            #expect(weakOutput == nil, "op \(index): its output outlived its last reference")
        }
    }

    @Test func gradientsOfANonLeaf() {
        let x = Tensor<Double>(shape: [3], scalars: [0, 1, 2], requiresGrad: true)
        let h = x.exp()
        let y = (h * h).sum()
        let grads = Graph.gradients(of: y, wrt: [h, x])
        let e = x.scalars.map { Foundation.exp($0) }
        #expect(zip(grads[0].scalars, e).allSatisfy { abs($0 - 2 * $1) < 1e-12 })   // dy/dh = 2h
        #expect(zip(grads[1].scalars, e).allSatisfy { abs($0 - 2 * $1 * $1) < 1e-12 })  // dy/dx = 2e²ˣ
        #expect(x.grad == nil, "gradients(of:wrt:) leaves grad alone")
        // A tensor the output does not depend on gets zeros.
        let unrelated = Tensor<Double>(zeros: [4], requiresGrad: true)
        let z = (x * 2).sum()
        #expect(Graph.gradients(of: z, wrt: [unrelated])[0].scalars == [0, 0, 0, 0])
    }
}

import Foundation

import Autodiff
import Testing

/// Forward values of the indexing and selection ops, computed by hand, and the backward
/// behaviours a gradient check alone does not pin down (repeated indices adding up).
@Suite struct IndexingOpTests {
    /// [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    let m = Tensor<Float>(shape: [3, 4], scalars: (0..<12).map(Float.init))

    @Test func sliceTakesARange() {
        #expect(m.slice(axis: 1, range: 1..<3).scalars == [1, 2, 5, 6, 9, 10])
        #expect(m.slice(axis: 0, range: 2..<3).shape == [1, 4])
        #expect(m.slice(axis: -2, range: 1..<3).scalars == Array(4..<12).map(Float.init))
        #expect(m.slice(axis: 1, range: 2..<2).shape == [3, 0])
    }

    @Test func sliceBackwardPlacesTheGradient() {
        let x = Tensor<Float>(zeros: [3, 4], requiresGrad: true)
        x.slice(axis: 1, range: 1..<3).sum().backward()
        #expect(x.grad!.scalars == [0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0])
    }

    @Test func indexSelectRepeatsAndAddsUp() {
        #expect(m.indexSelect(axis: 1, indices: [3, 0, 3]).scalars == [3, 0, 3, 7, 4, 7, 11, 8, 11])
        #expect(m.indexSelect(axis: 0, indices: [2]).scalars == [8, 9, 10, 11])
        let x = Tensor<Double>(zeros: [3, 4], requiresGrad: true)
        x.indexSelect(axis: 1, indices: [3, 0, 3, 3]).sum().backward()
        #expect(x.grad!.scalars == [1, 0, 0, 3, 1, 0, 0, 3, 1, 0, 0, 3])
    }

    @Test func gatherPicksOnePerRow() {
        #expect(m.gather(alongAxis: 1, indices: [3, 0, 2]).scalars == [3, 4, 10])
        #expect(m.gather(alongAxis: 1, indices: [3, 0, 2]).shape == [3])
        #expect(m.gather(alongAxis: 0, indices: [2, 0, 1, 2]).scalars == [8, 1, 6, 11])
        let cube = Tensor<Float>(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
        // out[o, i] = cube[o, idx[o * 2 + i], i]
        #expect(cube.gather(alongAxis: 1, indices: [2, 0, 1, 1]).scalars == [4, 1, 8, 9])
    }

    @Test func gatherBackwardIsOneHot() {
        let x = Tensor<Double>(zeros: [2, 3], requiresGrad: true)
        x.gather(alongAxis: 1, indices: [2, 0]).sum().backward()
        #expect(x.grad!.scalars == [0, 0, 1, 1, 0, 0])
    }

    @Test func concatAndStack() {
        let a = Tensor<Float>(shape: [2, 1], scalars: [1, 2]), b = Tensor<Float>(shape: [2, 2], scalars: [3, 4, 5, 6])
        #expect(Tensor.concat([a, b], axis: 1).scalars == [1, 3, 4, 2, 5, 6])
        #expect(Tensor.concat([b, b], axis: 0).shape == [4, 2])
        let c = Tensor<Float>(shape: [2], scalars: [1, 2]), d = Tensor<Float>(shape: [2], scalars: [3, 4])
        #expect(Tensor.stack([c, d], axis: 0).scalars == [1, 2, 3, 4])
        #expect(Tensor.stack([c, d], axis: 1).scalars == [1, 3, 2, 4])
        #expect(Tensor.stack([c, d, c], axis: -1).shape == [2, 3])
    }

    @Test func fillLowerTriangularFollowsTrilIndicesOrder() {
        let v = Tensor<Float>(shape: [2, 6], scalars: (1...12).map(Float.init))
        let l = v.fillLowerTriangular(size: 3)
        #expect(l.shape == [2, 3, 3])
        // (0,0), (1,0), (1,1), (2,0), (2,1), (2,2)
        #expect(Array(l.scalars[0..<9]) == [1, 0, 0, 2, 3, 0, 4, 5, 6])
        #expect(Array(l.scalars[9..<18]) == [7, 0, 0, 8, 9, 0, 10, 11, 12])
        #expect(Tensor<Float>.lowerTriangularDiagonalIndices(size: 4) == [0, 2, 5, 9])
        #expect(Tensor<Float>.lowerTriangularDiagonalIndices(size: 0) == [])
        // The diagonal indices really select the diagonal of the filled matrix.
        let w = Tensor<Float>(shape: [10], scalars: (0..<10).map(Float.init))
        let filled = w.fillLowerTriangular(size: 4)
        let diagonal = (0..<4).map { filled[$0, $0] }
        #expect(diagonal == Tensor<Float>.lowerTriangularDiagonalIndices(size: 4).map { w.scalars[$0] })
    }

    @Test func clampLimitsAndPassesGradientInside() {
        let x = Tensor<Double>(shape: [5], scalars: [-2, -1, 0, 1, 2], requiresGrad: true)
        #expect(x.clamp(min: -1, max: 1).scalars == [-1, -1, 0, 1, 1])
        #expect(x.clamp(min: 0.5).scalars == [0.5, 0.5, 0.5, 1, 2])
        #expect(x.clamp(max: -1.5).scalars == [-2, -1.5, -1.5, -1.5, -1.5])
        #expect(x.clamp().scalars == x.scalars)
        x.clamp(min: -1, max: 1).sum().backward()
        #expect(x.grad!.scalars == [0, 1, 1, 1, 0])
    }

    @Test func whereChoosesAndRoutesGradients() {
        let condition = Tensor<Double>(shape: [2, 1], scalars: [1, 0])
        let a = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        let b = Tensor<Double>(-1)
        b.requiresGrad = true
        let out = Tensor.where(condition, a, b)
        #expect(out.scalars == [1, 2, 3, -1, -1, -1])
        out.sum().backward()
        #expect(a.grad!.scalars == [1, 1, 1, 0, 0, 0])
        #expect(b.grad!.scalars == [3])
    }

    @Test func dropoutIsSeededScaledAndOffInEvaluation() {
        let x = Tensor<Float>(ones: [100_000])
        var g1 = RandomGenerator(seed: 5), g2 = RandomGenerator(seed: 5), g3 = RandomGenerator(seed: 6)
        let y1 = x.dropout(probability: 0.3, training: true, generator: &g1)
        let y2 = x.dropout(probability: 0.3, training: true, generator: &g2)
        let y3 = x.dropout(probability: 0.3, training: true, generator: &g3)
        #expect(y1.scalars == y2.scalars)
        #expect(y1.scalars != y3.scalars)
        let zeros = y1.scalars.filter { $0 == 0 }.count
        #expect(abs(Double(zeros) / 100_000 - 0.3) < 0.01, "dropped \(zeros) of 100000")
        #expect(y1.scalars.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
        // Inverted dropout keeps the expectation.
        #expect(abs(y1.mean().scalar - 1) < 0.02)
        var g4 = RandomGenerator(seed: 5)
        #expect(x.dropout(probability: 0.3, training: false, generator: &g4) === x)
        var g5 = RandomGenerator(seed: 5)
        #expect(x.dropout(probability: 1, training: true, generator: &g5).scalars.allSatisfy { $0 == 0 })
    }

    @Test func oneHotRows() {
        let h = Tensor<Float>.oneHot([2, 0, 2], classes: 3)
        #expect(h.shape == [3, 3])
        #expect(h.scalars == [0, 0, 1, 1, 0, 0, 0, 0, 1])
        #expect(!h.isTracked)
    }

    /// Large enough that the kernels split work across threads (above their grain): still exact.
    @Test func kernelsAgreeWhenParallel() {
        var rng = RandomGenerator(seed: 3)
        let x = Tensor<Double>(randomNormal: [256, 1000], generator: &rng, requiresGrad: true)
        let halves = [x.slice(axis: 1, range: 0..<500), x.slice(axis: 1, range: 500..<1000)]
        #expect(Tensor.concat(halves, axis: 1).scalars == x.scalars)

        let reversed = Array((0..<1000).reversed())
        let selected = x.indexSelect(axis: 1, indices: reversed + [0])
        #expect(selected[17, 0] == x[17, 999] && selected[200, 1000] == x[200, 0])
        selected.sum().backward()
        #expect(x.grad!.scalars.enumerated().allSatisfy { $0.element == ($0.offset % 1000 == 0 ? 2 : 1) })

        let tall = Tensor<Float>(randomNormal: [70_000, 3], generator: &rng)
        let labels = (0..<70_000).map { ($0 * 7) % 3 }
        let picked = tall.gather(alongAxis: 1, indices: labels)
        #expect(picked.scalars == labels.enumerated().map { tall[$0.offset, $0.element] })
    }
}

import Autodiff
import LRN

/// Small seeded problems for the tests that train: Gaussian clusters in a few dimensions, with
/// optional label noise, and a plain SGD step.
enum ToyProblems {
    /// `perClass` points of each of `classCount` classes: x = mean_c + N(0, spread²), means drawn
    /// N(0, separation²). Returns inputs [N, dimension] and clean labels.
    static func clusters(classCount: Int, perClass: Int, dimension: Int, separation: Double = 3,
                         spread: Double = 1, seed: UInt64) -> (inputs: Tensor<Float>, labels: [Int]) {
        var rng = RandomGenerator(seed: seed)
        let means = (0..<classCount).map { _ in (0..<dimension).map { _ in separation * rng.normal() } }
        var values: [Float] = []
        var labels: [Int] = []
        for i in 0..<(classCount * perClass) {
            let c = i % classCount
            labels.append(c)
            for j in 0..<dimension { values.append(Float(means[c][j] + spread * rng.normal())) }
        }
        return (Tensor(shape: [labels.count, dimension], scalars: values), labels)
    }

    /// Flips a fraction of the labels of class `from` to class `to` (seeded).
    static func flip(_ labels: [Int], from: Int, to: Int, fraction: Double, seed: UInt64) -> [Int] {
        var rng = RandomGenerator(seed: seed)
        return labels.map { $0 == from && rng.uniform() < fraction ? to : $0 }
    }

    /// Rows `indices` of a [N, D] tensor (a constant: inputs need no gradient).
    static func rows(_ x: Tensor<Float>, _ indices: [Int]) -> Tensor<Float> {
        let d = x.shape[1]
        let out = Tensor<Float>(zeros: [indices.count, d])
        for (r, i) in indices.enumerated() {
            for j in 0..<d { out.data[r * d + j] = x.data[i * d + j] }
        }
        return out
    }

    /// p ← p − lr·grad for every parameter with a gradient, then clears the gradients.
    static func sgdStep(_ parameters: [Tensor<Float>], learningRate: Float) {
        for p in parameters {
            if let g = p.grad { p.addInPlace(g, scale: -learningRate) }
            p.grad = nil
        }
    }
}

import Autodiff

// The indexing and selection ops, in Float64 with a Float32 twin: repeated indices, reused
// inputs, length-1 and prime dimensions, and the HUM pattern (fill L, then L Lᵀ).

extension GradientCases {
    static var indexing: [GradientCase] { picking + joining + selection }

    static var picking: [GradientCase] {
        var r = CaseInputs(seed: 21)
        let x = r.normal([3, 7, 2]), m = r.normal([5, 3]), x1 = r.normal([1, 4])
        return [
            GradientCase(op: "slice axis 1 middle", inputs: [x], float32: { $0[0].slice(axis: 1, range: 2..<5) }) { $0[0].slice(axis: 1, range: 2..<5) },
            GradientCase(op: "slice axis 0 length-1", inputs: [x], float32: { $0[0].slice(axis: 0, range: 2..<3) }) { $0[0].slice(axis: 0, range: 2..<3) },
            GradientCase(op: "slice axis -1", inputs: [x], float32: { $0[0].slice(axis: -1, range: 1..<2) }) { $0[0].slice(axis: -1, range: 1..<2) },
            GradientCase(op: "slice overlapping-reused", inputs: [m], float32: { $0[0].slice(axis: 0, range: 0..<3) * $0[0].slice(axis: 0, range: 2..<5) }) { $0[0].slice(axis: 0, range: 0..<3) * $0[0].slice(axis: 0, range: 2..<5) },
            GradientCase(op: "indexSelect axis 1 repeated", inputs: [x], float32: { $0[0].indexSelect(axis: 1, indices: [6, 0, 6, 3, 6]) }) { $0[0].indexSelect(axis: 1, indices: [6, 0, 6, 3, 6]) },
            GradientCase(op: "indexSelect axis 0", inputs: [m], float32: { $0[0].indexSelect(axis: 0, indices: [4, 1]) }) { $0[0].indexSelect(axis: 0, indices: [4, 1]) },
            GradientCase(op: "indexSelect axis -1 length-1", inputs: [x1], float32: { $0[0].indexSelect(axis: -1, indices: [3, 3, 0]) }) { $0[0].indexSelect(axis: -1, indices: [3, 3, 0]) },
            GradientCase(op: "gather labels [M,C]->[M]", inputs: [m], float32: { $0[0].gather(alongAxis: 1, indices: [2, 0, 1, 1, 2]) }) { $0[0].gather(alongAxis: 1, indices: [2, 0, 1, 1, 2]) },
            GradientCase(op: "gather axis 0", inputs: [m], float32: { $0[0].gather(alongAxis: 0, indices: [4, 4, 0]) }) { $0[0].gather(alongAxis: 0, indices: [4, 4, 0]) },
            GradientCase(op: "gather middle axis [3,7,2]", inputs: [x], float32: { $0[0].gather(alongAxis: 1, indices: [0, 6, 3, 3, 5, 1]) }) { $0[0].gather(alongAxis: 1, indices: [0, 6, 3, 3, 5, 1]) },
            GradientCase(op: "gather cross-entropy", inputs: [m], float32: { -$0[0].logSoftmax(axis: 1).gather(alongAxis: 1, indices: [2, 0, 1, 1, 2]).mean() }) { -$0[0].logSoftmax(axis: 1).gather(alongAxis: 1, indices: [2, 0, 1, 1, 2]).mean() },
        ]
    }

    static var joining: [GradientCase] {
        var r = CaseInputs(seed: 22)
        let a = r.normal([2, 3, 2]), b = r.normal([2, 5, 2]), c = r.normal([2, 1, 2])
        let p = r.normal([3, 7]), q = r.normal([3, 7]), s = r.normal([1, 7])
        let v6 = r.normal([6]), batch = r.normal([4, 10]), v1 = r.normal([1])
        return [
            GradientCase(op: "concat axis 1 three-widths", inputs: [a, b, c], float32: { Tensor.concat($0, axis: 1) }) { Tensor.concat($0, axis: 1) },
            GradientCase(op: "concat axis 0 length-1", inputs: [p, s], float32: { Tensor.concat($0, axis: 0) }) { Tensor.concat($0, axis: 0) },
            GradientCase(op: "concat axis -1 reused", inputs: [p, q], float32: { Tensor.concat([$0[0], $0[1], $0[0]], axis: -1) }) { Tensor.concat([$0[0], $0[1], $0[0]], axis: -1) },
            GradientCase(op: "concat single", inputs: [p], float32: { Tensor.concat($0, axis: 1) }) { Tensor.concat($0, axis: 1) },
            GradientCase(op: "stack axis 0", inputs: [p, q], float32: { Tensor.stack($0, axis: 0) }) { Tensor.stack($0, axis: 0) },
            GradientCase(op: "stack axis 1", inputs: [p, q], float32: { Tensor.stack($0, axis: 1) }) { Tensor.stack($0, axis: 1) },
            GradientCase(op: "stack axis -1 reused", inputs: [p, q], float32: { Tensor.stack([$0[1], $0[0], $0[1]], axis: -1) }) { Tensor.stack([$0[1], $0[0], $0[1]], axis: -1) },
            GradientCase(op: "fillLowerTriangular n=3", inputs: [v6], float32: { $0[0].fillLowerTriangular(size: 3) }) { $0[0].fillLowerTriangular(size: 3) },
            GradientCase(op: "fillLowerTriangular n=1", inputs: [v1], float32: { $0[0].fillLowerTriangular(size: 1) }) { $0[0].fillLowerTriangular(size: 1) },
            GradientCase(op: "fillLowerTriangular batched L·Lᵀ n=4", inputs: [batch], float32: { lowerTimesTranspose($0[0]) }) { lowerTimesTranspose($0[0]) },
        ]
    }

    static var selection: [GradientCase] {
        var r = CaseInputs(seed: 23)
        let x = r.normal([3, 7]), a = r.normal([3, 7]), b = r.normal([7]), s = r.normal([])
        let edges = Tensor<Double>(shape: [6], scalars: [-0.5, -0.2, 0.1, 0.3, 0.4, 0.9])  // on and beyond the bounds
        let condition = Tensor<Double>(shape: [3, 1], scalars: [1, 0, 1])
        let mixed = Tensor<Double>(shape: [3, 7], scalars: (0..<21).map { Double($0 % 3 == 0 ? 0 : 1) })
        return [
            GradientCase(op: "clamp both bounds", inputs: [x], float32: { $0[0].clamp(min: -0.5, max: 0.7) }) { $0[0].clamp(min: -0.5, max: 0.7) },
            GradientCase(op: "clamp min only", inputs: [x], float32: { $0[0].clamp(min: 0.1) }) { $0[0].clamp(min: 0.1) },
            GradientCase(op: "clamp max only", inputs: [x], float32: { $0[0].clamp(max: -0.1) }) { $0[0].clamp(max: -0.1) },
            GradientCase(op: "clamp at-bounds", inputs: [edges], allowKinks: true, float32: { $0[0].clamp(min: -0.2, max: 0.4) }) { $0[0].clamp(min: -0.2, max: 0.4) },
            GradientCase(op: "where broadcast-condition", inputs: [a, x], float32: { Tensor.where(condition.converted(), $0[0], $0[1]) }) { Tensor.where(condition, $0[0], $0[1]) },
            GradientCase(op: "where broadcast-branches [7] and []", inputs: [b, s], float32: { Tensor.where(mixed.converted(), $0[0], $0[1]) }) { Tensor.where(mixed, $0[0], $0[1]) },
            GradientCase(op: "where reused", inputs: [x], float32: { Tensor.where(mixed.converted(), $0[0].exp(), $0[0] * 2) }) { Tensor.where(mixed, $0[0].exp(), $0[0] * 2) },
            GradientCase(op: "dropout training p=0.4", inputs: [x], float32: { seededDropout($0[0], training: true) }) { seededDropout($0[0], training: true) },
            GradientCase(op: "dropout evaluation", inputs: [x], float32: { seededDropout($0[0], training: false) * 1 }) { seededDropout($0[0], training: false) * 1 },
        ]
    }

    /// HUM's covariance factor: a vector per sample filled into L, then L Lᵀ.
    static func lowerTimesTranspose<S>(_ v: Tensor<S>) -> Tensor<S> {
        let l = v.fillLowerTriangular(size: 4)
        return Tensor.matmul(l, transposeA: false, l, transposeB: true)
    }

    /// The same mask on every call (a fresh generator with a fixed seed), so the function is deterministic.
    static func seededDropout<S>(_ x: Tensor<S>, training: Bool) -> Tensor<S> {
        var generator = RandomGenerator(seed: 99)
        return x.dropout(probability: 0.4, training: training, generator: &generator)
    }
}

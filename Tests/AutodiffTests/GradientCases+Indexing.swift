import Autodiff

// The indexing and selection ops, written once for both scalars: repeated indices, reused
// inputs, length-1 and prime dimensions, and the HUM pattern (fill L, then L Lᵀ).

extension GradientCases {
    static var indexing: [GradientCase] { GradientCase.pair(indexing(Double.self), indexing(Float.self)) }

    static func indexing<S: TensorScalar>(_ s: S.Type) -> [Case<S>] { picking(s) + joining(s) + selection(s) }

    static func picking<S: TensorScalar>(_ s: S.Type) -> [Case<S>] {
        var r = CaseInputs(seed: 21)
        let x = r.normal([3, 7, 2]), m = r.normal([5, 3]), x1 = r.normal([1, 4])
        return [
            Case("slice axis 1 middle", covers: [.slice], inputs: [x]) { $0[0].slice(axis: 1, range: 2..<5) },
            Case("slice axis 0 length-1", covers: [.slice], inputs: [x]) { $0[0].slice(axis: 0, range: 2..<3) },
            Case("slice axis -1", covers: [.slice], inputs: [x]) { $0[0].slice(axis: -1, range: 1..<2) },
            Case("slice overlapping-reused", covers: [.slice], inputs: [m]) { $0[0].slice(axis: 0, range: 0..<3) * $0[0].slice(axis: 0, range: 2..<5) },
            Case("indexSelect axis 1 repeated", covers: [.indexSelect], inputs: [x]) { $0[0].indexSelect(axis: 1, indices: [6, 0, 6, 3, 6]) },
            Case("indexSelect axis 0", covers: [.indexSelect], inputs: [m]) { $0[0].indexSelect(axis: 0, indices: [4, 1]) },
            Case("indexSelect axis -1 length-1", covers: [.indexSelect], inputs: [x1]) { $0[0].indexSelect(axis: -1, indices: [3, 3, 0]) },
            Case("gather labels [M,C]->[M]", covers: [.gather], inputs: [m]) { $0[0].gather(alongAxis: 1, indices: [2, 0, 1, 1, 2]) },
            Case("gather axis 0", covers: [.gather], inputs: [m]) { $0[0].gather(alongAxis: 0, indices: [4, 4, 0]) },
            Case("gather middle axis [3,7,2]", covers: [.gather], inputs: [x]) { $0[0].gather(alongAxis: 1, indices: [0, 6, 3, 3, 5, 1]) },
            Case("gather cross-entropy", covers: [.gather], inputs: [m]) { -$0[0].logSoftmax(axis: 1).gather(alongAxis: 1, indices: [2, 0, 1, 1, 2]).mean() },
        ]
    }

    static func joining<S: TensorScalar>(_ s: S.Type) -> [Case<S>] {
        var r = CaseInputs(seed: 22)
        let a = r.normal([2, 3, 2]), b = r.normal([2, 5, 2]), c = r.normal([2, 1, 2])
        let p = r.normal([3, 7]), q = r.normal([3, 7]), s = r.normal([1, 7])
        let v6 = r.normal([6]), batch = r.normal([4, 10]), v1 = r.normal([1])
        return [
            Case("concat axis 1 three-widths", covers: [.concat], inputs: [a, b, c]) { Tensor.concat($0, axis: 1) },
            Case("concat axis 0 length-1", covers: [.concat], inputs: [p, s]) { Tensor.concat($0, axis: 0) },
            Case("concat axis -1 reused", covers: [.concat], inputs: [p, q]) { Tensor.concat([$0[0], $0[1], $0[0]], axis: -1) },
            Case("concat single", covers: [.concat], inputs: [p]) { Tensor.concat($0, axis: 1) },
            Case("stack axis 0", covers: [.stack], inputs: [p, q]) { Tensor.stack($0, axis: 0) },
            Case("stack axis 1", covers: [.stack], inputs: [p, q]) { Tensor.stack($0, axis: 1) },
            Case("stack axis -1 reused", covers: [.stack], inputs: [p, q]) { Tensor.stack([$0[1], $0[0], $0[1]], axis: -1) },
            Case("fillLowerTriangular n=3", covers: [.fillLowerTriangular], inputs: [v6]) { $0[0].fillLowerTriangular(size: 3) },
            Case("fillLowerTriangular n=1", covers: [.fillLowerTriangular], inputs: [v1]) { $0[0].fillLowerTriangular(size: 1) },
            Case("fillLowerTriangular batched L·Lᵀ n=4", covers: [.fillLowerTriangular], inputs: [batch]) { lowerTimesTranspose($0[0]) },
        ]
    }

    static func selection<S: TensorScalar>(_ s: S.Type) -> [Case<S>] {
        var r = CaseInputs(seed: 23)
        let x = r.normal([3, 7]), a = r.normal([3, 7]), b = r.normal([7]), s = r.normal([])
        let edges = Tensor<Double>(shape: [6], scalars: [-0.5, -0.2, 0.1, 0.3, 0.4, 0.9])  // on and beyond the bounds
        let condition = Tensor<Double>(shape: [3, 1], scalars: [1, 0, 1])
        let mixed = Tensor<Double>(shape: [3, 7], scalars: (0..<21).map { Double($0 % 3 == 0 ? 0 : 1) })
        return [
            Case("clamp both bounds", covers: [.clamp], inputs: [x]) { $0[0].clamp(min: -0.5, max: 0.7) },
            Case("clamp min only", covers: [.clamp], inputs: [x]) { $0[0].clamp(min: 0.1) },
            Case("clamp max only", covers: [.clamp], inputs: [x]) { $0[0].clamp(max: -0.1) },
            Case("clamp at-bounds", covers: [.clamp], inputs: [edges], allowKinks: true) { $0[0].clamp(min: -0.2, max: 0.4) },
            Case("where broadcast-condition", covers: [.`where`], inputs: [a, x]) { Tensor.where(condition.converted(), $0[0], $0[1]) },
            Case("where broadcast-branches [7] and []", covers: [.`where`], inputs: [b, s]) { Tensor.where(mixed.converted(), $0[0], $0[1]) },
            Case("where reused", covers: [.`where`], inputs: [x]) { Tensor.where(mixed.converted(), $0[0].exp(), $0[0] * 2) },
            Case("dropout training p=0.4", covers: [.dropout], inputs: [x]) { seededDropout($0[0], training: true) },
            Case("dropout evaluation", covers: [.mul], inputs: [x]) { seededDropout($0[0], training: false) * 1 },
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

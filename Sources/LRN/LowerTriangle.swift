import Autodiff

/// The packed lower triangle of a C x C matrix, in PyTorch's `tril_indices` order: row by row,
/// (0,0), (1,0), (1,1), (2,0), (2,1), (2,2), … , so that FC2's outputs, weights and results line
/// up with PyTorch code of the same head.
public enum LowerTriangle {
    /// Number of entries on and below the diagonal: C(C+1)/2.
    public static func entryCount(size: Int) -> Int { size * (size + 1) / 2 }

    /// (row, column) of every packed entry, in order.
    public static func indices(size: Int) -> [(row: Int, column: Int)] {
        var list: [(row: Int, column: Int)] = []
        list.reserveCapacity(entryCount(size: size))
        for row in 0..<size {
            for column in 0...row { list.append((row, column)) }
        }
        return list
    }

    /// Positions of the diagonal entries in the packed vector: 0, 2, 5, 9, … (k(k+3)/2).
    public static func diagonalPositions(size: Int) -> [Int] {
        (0..<size).map { $0 * ($0 + 3) / 2 }
    }

    /// 1 at packed diagonal positions, 0 elsewhere: shape [C(C+1)/2].
    static func diagonalMask<Scalar: TensorScalar>(size: Int) -> Tensor<Scalar> {
        let mask = Tensor<Scalar>(zeros: [entryCount(size: size)])
        for p in diagonalPositions(size: size) { mask.data[p] = 1 }
        return mask
    }

    /// Unpacks [..., C(C+1)/2] into lower-triangular [..., C, C] (zeros above the diagonal).
    /// A product with a constant 0/1 scatter matrix: differentiable through `matmul`, and tiny
    /// next to the sampling that follows (C = 7: a 28 x 49 matrix).
    public static func unpack<Scalar: TensorScalar>(_ packed: Tensor<Scalar>, size: Int) -> Tensor<Scalar> {
        let count = entryCount(size: size)
        precondition(packed.rank >= 1 && packed.shape[packed.rank - 1] == count,
                     "LowerTriangle.unpack: expected [..., \(count)] (the lower triangle of a \(size) x \(size) matrix), got \(shapeString(packed.shape))")
        let scatter = Tensor<Scalar>(zeros: [count, size * size])
        for (p, entry) in indices(size: size).enumerated() {
            scatter.data[p * size * size + entry.row * size + entry.column] = 1
        }
        let leading = Array(packed.shape.dropLast())
        return packed.reshaped([-1, count]).matmul(scatter).reshaped(leading + [size, size])
    }
}

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
        Tensor<Float>.lowerTriangularDiagonalIndices(size: size)
    }

    /// 1 at packed diagonal positions, 0 elsewhere: shape [C(C+1)/2].
    static func diagonalMask<Scalar: TensorScalar>(size: Int) -> Tensor<Scalar> {
        let mask = Tensor<Scalar>(zeros: [entryCount(size: size)])
        for p in diagonalPositions(size: size) { mask.data[p] = 1 }
        return mask
    }

    /// Unpacks [..., C(C+1)/2] into lower-triangular [..., C, C] (zeros above the diagonal),
    /// differentiably (Autodiff's `fillLowerTriangular`).
    public static func unpack<Scalar: TensorScalar>(_ packed: Tensor<Scalar>, size: Int) -> Tensor<Scalar> {
        packed.fillLowerTriangular(size: size)
    }
}

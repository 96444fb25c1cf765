import CKernels

// Matrix products on OpenBLAS: 2-D, batched 3-D and broadcast batches; backward is two more
// products with transposes, never a materialised transpose.

extension Tensor {
    /// Matrix product over the last two dimensions; leading (batch) dimensions broadcast.
    /// A 1-D right operand is treated as a column vector and its dimension removed.
    public func matmul(_ other: Tensor) -> Tensor {
        if other.rank == 1 {
            return matmul(other.reshaped([other.count, 1])).reshaped(Array(shape.dropLast()))
        }
        return Tensor.matmul(self, transposeA: false, other, transposeB: false)
    }

    /// op(a) · op(b), where op transposes the last two dimensions when asked.
    public static func matmul(_ a: Tensor, transposeA: Bool, _ b: Tensor, transposeB: Bool) -> Tensor {
        let (m, n, k, batch) = validate { try Shapes.matmul(a.shape, transposeA: transposeA, b.shape, transposeB: transposeB) }
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        let out = Tensor(uninitializedShape: batch + [m, n])
        let count = Shapes.elementCount(batch)
        let lda = a.shape[a.rank - 1], ldb = b.shape[b.rank - 1]
        // A batch that one operand does not have is handled with stride 0 (or a broadcast copy).
        let aFull = batchA == batch ? a : (a.count == m * k ? a : a.detached().expanded(to: batch + Array(a.shape.suffix(2))))
        let bFull = batchB == batch ? b : (b.count == k * n ? b : b.detached().expanded(to: batch + Array(b.shape.suffix(2))))
        let strideA = aFull.count == m * k ? 0 : m * k, strideB = bFull.count == k * n ? 0 : k * n
        let stackRows = count > 1 && strideB == 0 && strideA != 0 && !transposeA
        if count == 1 || stackRows || (strideA == 0 && strideB == 0) {
            // One product; or a shared right operand, so the batch stacks into the rows of one
            // gemm; or both shared, so one product is computed and copied to every batch entry.
            let rows = stackRows ? count * m : m
            Scalar.kernelGemm(transposeA ? 1 : 0, transposeB ? 1 : 0, rows, n, k, 1, aFull.data, lda, bFull.data, ldb, 0, out.data, n)
            if !stackRows && count > 1 {
                for i in 1..<count { (out.data + i * m * n).update(from: out.data, count: m * n) }
            }
        } else if count > 0 {
            Scalar.kernelGemmBatched(count, transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, 1, aFull.data, lda, strideA, bFull.data, ldb, strideB, 0, out.data, n, m * n)
        }
        // As for mul, each operand's gradient needs the other: an operand is captured only when
        // the other takes a gradient (features times a frozen weight do not keep the features).
        let (shapeA, shapeB) = (a.shape, b.shape)
        let (forA, forB) = (a.isTracked ? b : nil, b.isTracked ? a : nil)
        return out.recorded(.matmul, [a, b]) { g in
            // C = op(A) op(B):  dA = g op(B)ᵀ (transposed back if A was), dB likewise.
            let ga = forA.map { b in
                (transposeA ? matmul(b, transposeA: transposeB, g, transposeB: true)
                            : matmul(g, transposeA: false, b, transposeB: !transposeB)).sum(toShape: shapeA)
            }
            let gb = forB.map { a in
                (transposeB ? matmul(g, transposeA: true, a, transposeB: transposeA)
                            : matmul(a, transposeA: !transposeA, g, transposeB: false)).sum(toShape: shapeB)
            }
            return [ga, gb]
        }
    }

    /// Lower Cholesky factor of each symmetric positive-definite matrix in the last two
    /// dimensions (LAPACK potrf; not differentiable). Used to sample from a given covariance.
    public func choleskyLower() throws -> Tensor {
        guard rank >= 2, shape[rank - 1] == shape[rank - 2] else {
            throw ShapeError("cholesky", "expected square matrices in the last two dimensions, got \(shapeString(shape))")
        }
        let n = shape[rank - 1]
        let out = copy()
        let batch = n == 0 ? 0 : count / (n * n)
        let info = Scalar.kernelCholesky(batch, n, out.data)
        if info != 0 {
            throw ShapeError("cholesky", "matrix is not positive definite (LAPACK info \(info))")
        }
        return out
    }
}

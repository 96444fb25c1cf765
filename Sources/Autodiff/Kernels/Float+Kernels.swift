import CKernels

// Float's kernels: each requirement of KernelScalar forwards to the f32 entry point.
extension Float: KernelScalar {
    // ---- Elementwise (elementwise.c)
    @inline(__always) public static func kernelFill(_ n: Int, _ value: Float, _ out: UnsafeMutablePointer<Float>) {
        ck_fill_f32(n, value, out)
    }
    @inline(__always) public static func kernelUnary(_ op: Int32, _ n: Int, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        ck_unary_f32(op, n, x, out)
    }
    @inline(__always) public static func kernelUnaryBackward(_ op: Int32, _ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>) {
        ck_unary_backward_f32(op, n, x, y, gy, gx)
    }
    @inline(__always) public static func kernelBinary(_ op: Int32, _ n: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        ck_binary_f32(op, n, a, b, out)
    }
    @inline(__always) public static func kernelBinaryScalar(_ op: Int32, _ n: Int, _ x: UnsafePointer<Float>, _ scalar: Float, _ out: UnsafeMutablePointer<Float>) {
        ck_binary_scalar_f32(op, n, x, scalar, out)
    }
    @inline(__always) public static func kernelScalarBinary(_ op: Int32, _ n: Int, _ scalar: Float, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        ck_scalar_binary_f32(op, n, scalar, x, out)
    }
    @inline(__always) public static func kernelBinaryStrided(_ op: Int32, _ ndim: Int32, _ shape: UnsafePointer<Int>, _ sa: UnsafePointer<Int>, _ a: UnsafePointer<Float>, _ sb: UnsafePointer<Int>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        ck_binary_strided_f32(op, ndim, shape, sa, a, sb, b, out)
    }
    @inline(__always) public static func kernelStridedCopy(_ ndim: Int32, _ shape: UnsafePointer<Int>, _ strides: UnsafePointer<Int>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        ck_strided_copy_f32(ndim, shape, strides, x, out)
    }
    @inline(__always) public static func kernelWhere(_ n: Int, _ cond: UnsafePointer<UInt8>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        ck_where_f32(n, cond, a, b, out)
    }
    @inline(__always) public static func kernelClamp(_ n: Int, _ x: UnsafePointer<Float>, _ lo: Float, _ hi: Float, _ out: UnsafeMutablePointer<Float>) {
        ck_clamp_f32(n, x, lo, hi, out)
    }
    @inline(__always) public static func kernelClampBackward(_ n: Int, _ x: UnsafePointer<Float>, _ lo: Float, _ hi: Float, _ gy: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>) {
        ck_clamp_backward_f32(n, x, lo, hi, gy, gx)
    }

    // ---- Reductions along one axis (reduce.c)
    @inline(__always) public static func kernelReduce(_ op: Int32, _ outer: Int, _ r: Int, _ inner: Int, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ argmax: UnsafeMutablePointer<Int32>?) {
        ck_reduce_f32(op, outer, r, inner, x, out, argmax)
    }
    @inline(__always) public static func kernelSoftmax(_ outer: Int, _ r: Int, _ inner: Int, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ logSpace: Int32) {
        ck_softmax_f32(outer, r, inner, x, out, logSpace)
    }
    @inline(__always) public static func kernelSoftmaxBackward(_ outer: Int, _ r: Int, _ inner: Int, _ y: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>, _ logSpace: Int32) {
        ck_softmax_backward_f32(outer, r, inner, y, gy, gx, logSpace)
    }
    @inline(__always) public static func kernelLogSumExp(_ outer: Int, _ r: Int, _ inner: Int, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        ck_logsumexp_f32(outer, r, inner, x, out)
    }

    // ---- Linear algebra on OpenBLAS and LAPACKE (blas.c)
    @inline(__always) public static func kernelGemm(_ transA: Int32, _ transB: Int32, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        ck_gemm_f32(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
    @inline(__always) public static func kernelGemmBatched(_ batch: Int, _ transA: Int32, _ transB: Int32, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int, _ strideA: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ strideB: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ strideC: Int) {
        ck_gemm_batched_f32(batch, transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC)
    }
    @inline(__always) public static func kernelCholesky(_ batch: Int, _ n: Int, _ a: UnsafeMutablePointer<Float>) -> Int32 {
        return ck_cholesky_f32(batch, n, a)
    }
    @inline(__always) public static func kernelAxpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        ck_axpy_f32(n, alpha, x, y)
    }

    // ---- Indexing and shape (indexing.c)
    @inline(__always) public static func kernelCopyRows(_ rows: Int, _ width: Int, _ src: UnsafePointer<Float>, _ srcStride: Int, _ dst: UnsafeMutablePointer<Float>, _ dstStride: Int, _ accumulate: Int32) {
        ck_copy_rows_f32(rows, width, src, srcStride, dst, dstStride, accumulate)
    }
    @inline(__always) public static func kernelIndexSelect(_ outer: Int, _ n: Int, _ inner: Int, _ x: UnsafePointer<Float>, _ count: Int, _ indices: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Float>) {
        ck_index_select_f32(outer, n, inner, x, count, indices, out)
    }
    @inline(__always) public static func kernelIndexSelectBackward(_ outer: Int, _ n: Int, _ inner: Int, _ g: UnsafePointer<Float>, _ count: Int, _ indices: UnsafePointer<Int>, _ gx: UnsafeMutablePointer<Float>) {
        ck_index_select_backward_f32(outer, n, inner, g, count, indices, gx)
    }
    @inline(__always) public static func kernelGather(_ outer: Int, _ n: Int, _ inner: Int, _ x: UnsafePointer<Float>, _ indices: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Float>) {
        ck_gather_f32(outer, n, inner, x, indices, out)
    }
    @inline(__always) public static func kernelGatherBackward(_ outer: Int, _ n: Int, _ inner: Int, _ g: UnsafePointer<Float>, _ indices: UnsafePointer<Int>, _ gx: UnsafeMutablePointer<Float>) {
        ck_gather_backward_f32(outer, n, inner, g, indices, gx)
    }
    @inline(__always) public static func kernelFillLower(_ batch: Int, _ n: Int, _ v: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        ck_fill_lower_f32(batch, n, v, out)
    }
    @inline(__always) public static func kernelFillLowerBackward(_ batch: Int, _ n: Int, _ g: UnsafePointer<Float>, _ gv: UnsafeMutablePointer<Float>) {
        ck_fill_lower_backward_f32(batch, n, g, gv)
    }

    // ---- Convolution, pooling, batch normalisation (conv.c, pool.c, batchnorm.c)
    @inline(__always) public static func kernelConv2dForward(_ shape: UnsafePointer<ck_conv2d_shape>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>) {
        ck_conv2d_forward_f32(shape, x, w, bias, y)
    }
    @inline(__always) public static func kernelConv2dBackward(_ shape: UnsafePointer<ck_conv2d_shape>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>?, _ gw: UnsafeMutablePointer<Float>?, _ gb: UnsafeMutablePointer<Float>?) {
        ck_conv2d_backward_f32(shape, x, w, gy, gx, gw, gb)
    }
    @inline(__always) public static func kernelMaxPool2dForward(_ shape: UnsafePointer<ck_pool2d_shape>, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ argmax: UnsafeMutablePointer<Int32>?) {
        ck_maxpool2d_forward_f32(shape, x, y, argmax)
    }
    @inline(__always) public static func kernelMaxPool2dBackward(_ shape: UnsafePointer<ck_pool2d_shape>, _ argmax: UnsafePointer<Int32>, _ gy: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>) {
        ck_maxpool2d_backward_f32(shape, argmax, gy, gx)
    }
    @inline(__always) public static func kernelAvgPool2dForward(_ shape: UnsafePointer<ck_pool2d_shape>, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        ck_avgpool2d_forward_f32(shape, x, y)
    }
    @inline(__always) public static func kernelAvgPool2dBackward(_ shape: UnsafePointer<ck_pool2d_shape>, _ gy: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>) {
        ck_avgpool2d_backward_f32(shape, gy, gx)
    }
    @inline(__always) public static func kernelBatchNormStats(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Float>, _ mean: UnsafeMutablePointer<Float>, _ variance: UnsafeMutablePointer<Float>) {
        ck_batchnorm_stats_f32(n, c, inner, x, mean, variance)
    }
    @inline(__always) public static func kernelBatchNormApply(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ invstd: UnsafePointer<Float>, _ weight: UnsafePointer<Float>?, _ bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>) {
        ck_batchnorm_apply_f32(n, c, inner, x, mean, invstd, weight, bias, y)
    }
    @inline(__always) public static func kernelBatchNormBackward(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ invstd: UnsafePointer<Float>, _ weight: UnsafePointer<Float>?, _ batchStats: Int32, _ gx: UnsafeMutablePointer<Float>?, _ gw: UnsafeMutablePointer<Float>?, _ gb: UnsafeMutablePointer<Float>?) {
        ck_batchnorm_backward_f32(n, c, inner, x, gy, mean, invstd, weight, batchStats, gx, gw, gb)
    }
    @inline(__always) public static func kernelBatchNormReLUApply(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ invstd: UnsafePointer<Float>, _ weight: UnsafePointer<Float>?, _ bias: UnsafePointer<Float>?, _ residual: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>) {
        ck_batchnorm_relu_apply_f32(n, c, inner, x, mean, invstd, weight, bias, residual, y)
    }
    @inline(__always) public static func kernelBatchNormReLUBackward(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Float>, _ residual: UnsafePointer<Float>?, _ gy: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ invstd: UnsafePointer<Float>, _ weight: UnsafePointer<Float>?, _ bias: UnsafePointer<Float>?, _ batchStats: Int32, _ gx: UnsafeMutablePointer<Float>?, _ gw: UnsafeMutablePointer<Float>?, _ gb: UnsafeMutablePointer<Float>?, _ gresidual: UnsafeMutablePointer<Float>?) {
        ck_batchnorm_relu_backward_f32(n, c, inner, x, residual, gy, mean, invstd, weight, bias, batchStats, gx, gw, gb, gresidual)
    }

    // ---- Optimisers (optim.c)
    @inline(__always) public static func kernelSGDStep(_ n: Int, _ parameter: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>, _ momentumBuffer: UnsafeMutablePointer<Float>?, _ hyper: UnsafePointer<ck_sgd_hyper>, _ firstStep: Int32) {
        ck_sgd_step_f32(n, parameter, gradient, momentumBuffer, hyper, firstStep)
    }
    @inline(__always) public static func kernelAdamStep(_ n: Int, _ parameter: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>, _ average: UnsafeMutablePointer<Float>, _ squareAverage: UnsafeMutablePointer<Float>, _ hyper: UnsafePointer<ck_adam_hyper>, _ step: Int) {
        ck_adam_step_f32(n, parameter, gradient, average, squareAverage, hyper, step)
    }
    @inline(__always) public static func kernelSumOfSquares(_ n: Int, _ x: UnsafePointer<Float>) -> Double {
        return ck_sum_squares_f32(n, x)
    }
    @inline(__always) public static func kernelScaleInPlace(_ n: Int, _ x: UnsafeMutablePointer<Float>, _ factor: Double) {
        ck_scale_inplace_f32(n, x, factor)
    }

    @inline(__always) public static func kernelConvert<Other: TensorScalar>(_ n: Int, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Other>) {
        if Other.self == Float.self {
            UnsafeMutableRawPointer(out).copyMemory(from: x, byteCount: n * MemoryLayout<Float>.stride)
        } else {
            ck_convert_f32_to_f64(n, x, UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self))
        }
    }
}

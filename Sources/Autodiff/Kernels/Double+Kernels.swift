import CKernels

// Double's kernels: each requirement of KernelScalar forwards to the f64 entry point.
extension Double: KernelScalar {
    // ---- Elementwise (elementwise.c)
    @inline(__always) public static func kernelFill(_ n: Int, _ value: Double, _ out: UnsafeMutablePointer<Double>) {
        ck_fill_f64(n, value, out)
    }
    @inline(__always) public static func kernelUnary(_ op: Int32, _ n: Int, _ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        ck_unary_f64(op, n, x, out)
    }
    @inline(__always) public static func kernelUnaryBackward(_ op: Int32, _ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ gy: UnsafePointer<Double>, _ gx: UnsafeMutablePointer<Double>) {
        ck_unary_backward_f64(op, n, x, y, gy, gx)
    }
    @inline(__always) public static func kernelBinary(_ op: Int32, _ n: Int, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        ck_binary_f64(op, n, a, b, out)
    }
    @inline(__always) public static func kernelBinaryScalar(_ op: Int32, _ n: Int, _ x: UnsafePointer<Double>, _ scalar: Double, _ out: UnsafeMutablePointer<Double>) {
        ck_binary_scalar_f64(op, n, x, scalar, out)
    }
    @inline(__always) public static func kernelScalarBinary(_ op: Int32, _ n: Int, _ scalar: Double, _ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        ck_scalar_binary_f64(op, n, scalar, x, out)
    }
    @inline(__always) public static func kernelBinaryStrided(_ op: Int32, _ ndim: Int32, _ shape: UnsafePointer<Int>, _ sa: UnsafePointer<Int>, _ a: UnsafePointer<Double>, _ sb: UnsafePointer<Int>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        ck_binary_strided_f64(op, ndim, shape, sa, a, sb, b, out)
    }
    @inline(__always) public static func kernelStridedCopy(_ ndim: Int32, _ shape: UnsafePointer<Int>, _ strides: UnsafePointer<Int>, _ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        ck_strided_copy_f64(ndim, shape, strides, x, out)
    }
    @inline(__always) public static func kernelWhere(_ n: Int, _ cond: UnsafePointer<UInt8>, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        ck_where_f64(n, cond, a, b, out)
    }
    @inline(__always) public static func kernelClamp(_ n: Int, _ x: UnsafePointer<Double>, _ lo: Double, _ hi: Double, _ out: UnsafeMutablePointer<Double>) {
        ck_clamp_f64(n, x, lo, hi, out)
    }
    @inline(__always) public static func kernelClampBackward(_ n: Int, _ x: UnsafePointer<Double>, _ lo: Double, _ hi: Double, _ gy: UnsafePointer<Double>, _ gx: UnsafeMutablePointer<Double>) {
        ck_clamp_backward_f64(n, x, lo, hi, gy, gx)
    }

    // ---- Reductions along one axis (reduce.c)
    @inline(__always) public static func kernelReduce(_ op: Int32, _ outer: Int, _ r: Int, _ inner: Int, _ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ argmax: UnsafeMutablePointer<Int32>?) {
        ck_reduce_f64(op, outer, r, inner, x, out, argmax)
    }
    @inline(__always) public static func kernelSoftmax(_ outer: Int, _ r: Int, _ inner: Int, _ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, _ logSpace: Int32) {
        ck_softmax_f64(outer, r, inner, x, out, logSpace)
    }
    @inline(__always) public static func kernelSoftmaxBackward(_ outer: Int, _ r: Int, _ inner: Int, _ y: UnsafePointer<Double>, _ gy: UnsafePointer<Double>, _ gx: UnsafeMutablePointer<Double>, _ logSpace: Int32) {
        ck_softmax_backward_f64(outer, r, inner, y, gy, gx, logSpace)
    }
    @inline(__always) public static func kernelLogSumExp(_ outer: Int, _ r: Int, _ inner: Int, _ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        ck_logsumexp_f64(outer, r, inner, x, out)
    }

    // ---- Linear algebra on OpenBLAS and LAPACKE (blas.c)
    @inline(__always) public static func kernelGemm(_ transA: Int32, _ transB: Int32, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int, _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        ck_gemm_f64(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
    @inline(__always) public static func kernelGemmBatched(_ batch: Int, _ transA: Int32, _ transB: Int32, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int, _ strideA: Int, _ b: UnsafePointer<Double>, _ ldb: Int, _ strideB: Int, _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int, _ strideC: Int) {
        ck_gemm_batched_f64(batch, transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC)
    }
    @inline(__always) public static func kernelCholesky(_ batch: Int, _ n: Int, _ a: UnsafeMutablePointer<Double>) -> Int32 {
        return ck_cholesky_f64(batch, n, a)
    }
    @inline(__always) public static func kernelAxpy(_ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        ck_axpy_f64(n, alpha, x, y)
    }

    // ---- Indexing and shape (indexing.c)
    @inline(__always) public static func kernelCopyRows(_ rows: Int, _ width: Int, _ src: UnsafePointer<Double>, _ srcStride: Int, _ dst: UnsafeMutablePointer<Double>, _ dstStride: Int, _ accumulate: Int32) {
        ck_copy_rows_f64(rows, width, src, srcStride, dst, dstStride, accumulate)
    }
    @inline(__always) public static func kernelIndexSelect(_ outer: Int, _ n: Int, _ inner: Int, _ x: UnsafePointer<Double>, _ count: Int, _ indices: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Double>) {
        ck_index_select_f64(outer, n, inner, x, count, indices, out)
    }
    @inline(__always) public static func kernelIndexSelectBackward(_ outer: Int, _ n: Int, _ inner: Int, _ g: UnsafePointer<Double>, _ count: Int, _ indices: UnsafePointer<Int>, _ gx: UnsafeMutablePointer<Double>) {
        ck_index_select_backward_f64(outer, n, inner, g, count, indices, gx)
    }
    @inline(__always) public static func kernelGather(_ outer: Int, _ n: Int, _ inner: Int, _ x: UnsafePointer<Double>, _ indices: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Double>) {
        ck_gather_f64(outer, n, inner, x, indices, out)
    }
    @inline(__always) public static func kernelGatherBackward(_ outer: Int, _ n: Int, _ inner: Int, _ g: UnsafePointer<Double>, _ indices: UnsafePointer<Int>, _ gx: UnsafeMutablePointer<Double>) {
        ck_gather_backward_f64(outer, n, inner, g, indices, gx)
    }
    @inline(__always) public static func kernelFillLower(_ batch: Int, _ n: Int, _ v: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        ck_fill_lower_f64(batch, n, v, out)
    }
    @inline(__always) public static func kernelFillLowerBackward(_ batch: Int, _ n: Int, _ g: UnsafePointer<Double>, _ gv: UnsafeMutablePointer<Double>) {
        ck_fill_lower_backward_f64(batch, n, g, gv)
    }

    // ---- Convolution, pooling, batch normalisation (conv.c, pool.c, batchnorm.c)
    @inline(__always) public static func kernelConv2dForward(_ shape: UnsafePointer<ck_conv2d_shape>, _ x: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ bias: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>) {
        ck_conv2d_forward_f64(shape, x, w, bias, y)
    }
    @inline(__always) public static func kernelConv2dBackward(_ shape: UnsafePointer<ck_conv2d_shape>, _ x: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ gy: UnsafePointer<Double>, _ gx: UnsafeMutablePointer<Double>?, _ gw: UnsafeMutablePointer<Double>?, _ gb: UnsafeMutablePointer<Double>?) {
        ck_conv2d_backward_f64(shape, x, w, gy, gx, gw, gb)
    }
    @inline(__always) public static func kernelMaxPool2dForward(_ shape: UnsafePointer<ck_pool2d_shape>, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ argmax: UnsafeMutablePointer<Int32>?) {
        ck_maxpool2d_forward_f64(shape, x, y, argmax)
    }
    @inline(__always) public static func kernelMaxPool2dBackward(_ shape: UnsafePointer<ck_pool2d_shape>, _ argmax: UnsafePointer<Int32>, _ gy: UnsafePointer<Double>, _ gx: UnsafeMutablePointer<Double>) {
        ck_maxpool2d_backward_f64(shape, argmax, gy, gx)
    }
    @inline(__always) public static func kernelAvgPool2dForward(_ shape: UnsafePointer<ck_pool2d_shape>, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        ck_avgpool2d_forward_f64(shape, x, y)
    }
    @inline(__always) public static func kernelAvgPool2dBackward(_ shape: UnsafePointer<ck_pool2d_shape>, _ gy: UnsafePointer<Double>, _ gx: UnsafeMutablePointer<Double>) {
        ck_avgpool2d_backward_f64(shape, gy, gx)
    }
    @inline(__always) public static func kernelBatchNormStats(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Double>, _ mean: UnsafeMutablePointer<Double>, _ variance: UnsafeMutablePointer<Double>) {
        ck_batchnorm_stats_f64(n, c, inner, x, mean, variance)
    }
    @inline(__always) public static func kernelBatchNormApply(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Double>, _ mean: UnsafePointer<Double>, _ invstd: UnsafePointer<Double>, _ weight: UnsafePointer<Double>?, _ bias: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>) {
        ck_batchnorm_apply_f64(n, c, inner, x, mean, invstd, weight, bias, y)
    }
    @inline(__always) public static func kernelBatchNormBackward(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Double>, _ gy: UnsafePointer<Double>, _ mean: UnsafePointer<Double>, _ invstd: UnsafePointer<Double>, _ weight: UnsafePointer<Double>?, _ batchStats: Int32, _ gx: UnsafeMutablePointer<Double>?, _ gw: UnsafeMutablePointer<Double>?, _ gb: UnsafeMutablePointer<Double>?) {
        ck_batchnorm_backward_f64(n, c, inner, x, gy, mean, invstd, weight, batchStats, gx, gw, gb)
    }
    @inline(__always) public static func kernelBatchNormReLUApply(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Double>, _ mean: UnsafePointer<Double>, _ invstd: UnsafePointer<Double>, _ weight: UnsafePointer<Double>?, _ bias: UnsafePointer<Double>?, _ residual: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>) {
        ck_batchnorm_relu_apply_f64(n, c, inner, x, mean, invstd, weight, bias, residual, y)
    }
    @inline(__always) public static func kernelBatchNormReLUBackward(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Double>, _ residual: UnsafePointer<Double>?, _ gy: UnsafePointer<Double>, _ mean: UnsafePointer<Double>, _ invstd: UnsafePointer<Double>, _ weight: UnsafePointer<Double>?, _ bias: UnsafePointer<Double>?, _ batchStats: Int32, _ gx: UnsafeMutablePointer<Double>?, _ gw: UnsafeMutablePointer<Double>?, _ gb: UnsafeMutablePointer<Double>?, _ gresidual: UnsafeMutablePointer<Double>?) {
        ck_batchnorm_relu_backward_f64(n, c, inner, x, residual, gy, mean, invstd, weight, bias, batchStats, gx, gw, gb, gresidual)
    }

    // ---- Optimisers (optim.c)
    @inline(__always) public static func kernelSGDStep(_ n: Int, _ parameter: UnsafeMutablePointer<Double>, _ gradient: UnsafePointer<Double>, _ momentumBuffer: UnsafeMutablePointer<Double>?, _ hyper: UnsafePointer<ck_sgd_hyper>, _ firstStep: Int32) {
        ck_sgd_step_f64(n, parameter, gradient, momentumBuffer, hyper, firstStep)
    }
    @inline(__always) public static func kernelAdamStep(_ n: Int, _ parameter: UnsafeMutablePointer<Double>, _ gradient: UnsafePointer<Double>, _ average: UnsafeMutablePointer<Double>, _ squareAverage: UnsafeMutablePointer<Double>, _ hyper: UnsafePointer<ck_adam_hyper>, _ step: Int) {
        ck_adam_step_f64(n, parameter, gradient, average, squareAverage, hyper, step)
    }
    @inline(__always) public static func kernelSumOfSquares(_ n: Int, _ x: UnsafePointer<Double>) -> Double {
        return ck_sum_squares_f64(n, x)
    }
    @inline(__always) public static func kernelScaleInPlace(_ n: Int, _ x: UnsafeMutablePointer<Double>, _ factor: Double) {
        ck_scale_inplace_f64(n, x, factor)
    }

    @inline(__always) public static func kernelConvert<Other: TensorScalar>(_ n: Int, _ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Other>) {
        if Other.self == Double.self {
            UnsafeMutableRawPointer(out).copyMemory(from: x, byteCount: n * MemoryLayout<Double>.stride)
        } else {
            ck_convert_f64_to_f32(n, x, UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self))
        }
    }
}

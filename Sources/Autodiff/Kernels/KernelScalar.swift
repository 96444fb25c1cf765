import CKernels

/// The C kernels for one element type: every op calls `Scalar.kernelName(...)`, and Float and
/// Double implement each requirement once by calling the f32 or f64 entry point
/// (Float+Kernels.swift, Double+Kernels.swift). Generated generic code specialised for Float
/// calls the C function directly. An implementation detail of the ops: its arguments are those
/// of the C functions in ckernels_typed.h, unchecked.
public protocol KernelScalar {
    // ---- Elementwise (elementwise.c)
    /// Out[i] = value.
    static func kernelFill(_ n: Int, _ value: Self, _ out: UnsafeMutablePointer<Self>)
    /// Out = f(x) for one of the CK_NEG... codes.
    static func kernelUnary(_ op: Int32, _ n: Int, _ x: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>)
    /// Gx = gy * f'(x), given x and y = f(x).
    static func kernelUnaryBackward(_ op: Int32, _ n: Int, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, _ gx: UnsafeMutablePointer<Self>)
    /// Out = a op b, same length.
    static func kernelBinary(_ op: Int32, _ n: Int, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>)
    /// Out = x op scalar.
    static func kernelBinaryScalar(_ op: Int32, _ n: Int, _ x: UnsafePointer<Self>, _ scalar: Self, _ out: UnsafeMutablePointer<Self>)
    /// Out = scalar op x.
    static func kernelScalarBinary(_ op: Int32, _ n: Int, _ scalar: Self, _ x: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>)
    /// Out[idx] = a[idx . sa] op b[idx . sb] (broadcast: stride 0).
    static func kernelBinaryStrided(_ op: Int32, _ ndim: Int32, _ shape: UnsafePointer<Int>, _ sa: UnsafePointer<Int>, _ a: UnsafePointer<Self>, _ sb: UnsafePointer<Int>, _ b: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>)
    /// Out[idx] = x[idx . strides].
    static func kernelStridedCopy(_ ndim: Int32, _ shape: UnsafePointer<Int>, _ strides: UnsafePointer<Int>, _ x: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>)
    /// Out = cond ? a : b.
    static func kernelWhere(_ n: Int, _ cond: UnsafePointer<UInt8>, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>)
    /// Out = clamp(x, lo, hi).
    static func kernelClamp(_ n: Int, _ x: UnsafePointer<Self>, _ lo: Self, _ hi: Self, _ out: UnsafeMutablePointer<Self>)
    /// Gx = gy where lo <= x <= hi, else 0.
    static func kernelClampBackward(_ n: Int, _ x: UnsafePointer<Self>, _ lo: Self, _ hi: Self, _ gy: UnsafePointer<Self>, _ gx: UnsafeMutablePointer<Self>)

    // ---- Reductions along one axis (reduce.c)
    /// CK_REDUCE_SUM or CK_REDUCE_MAX of x viewed as [outer, r, inner].
    static func kernelReduce(_ op: Int32, _ outer: Int, _ r: Int, _ inner: Int, _ x: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>, _ argmax: UnsafeMutablePointer<Int32>?)
    /// Softmax (logSpace 0) or log-softmax (1) along r.
    static func kernelSoftmax(_ outer: Int, _ r: Int, _ inner: Int, _ x: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>, _ logSpace: Int32)
    /// Backward of softmax / log-softmax given its output y.
    static func kernelSoftmaxBackward(_ outer: Int, _ r: Int, _ inner: Int, _ y: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, _ gx: UnsafeMutablePointer<Self>, _ logSpace: Int32)
    /// Logsumexp along r.
    static func kernelLogSumExp(_ outer: Int, _ r: Int, _ inner: Int, _ x: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>)

    // ---- Linear algebra on OpenBLAS and LAPACKE (blas.c)
    /// C = alpha op(A) op(B) + beta C, row-major.
    static func kernelGemm(_ transA: Int32, _ transB: Int32, _ m: Int, _ n: Int, _ k: Int, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int, _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
    /// KernelGemm for each of `batch` matrices at the given strides.
    static func kernelGemmBatched(_ batch: Int, _ transA: Int32, _ transB: Int32, _ m: Int, _ n: Int, _ k: Int, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int, _ strideA: Int, _ b: UnsafePointer<Self>, _ ldb: Int, _ strideB: Int, _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int, _ strideC: Int)
    /// Lower Cholesky factors in place; 0 or LAPACK's info of the first failure.
    static func kernelCholesky(_ batch: Int, _ n: Int, _ a: UnsafeMutablePointer<Self>) -> Int32
    /// Y += alpha x.
    static func kernelAxpy(_ n: Int, _ alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)

    // ---- Indexing and shape (indexing.c)
    /// Dst rows (+)= src rows (accumulate 0 copies, 1 adds).
    static func kernelCopyRows(_ rows: Int, _ width: Int, _ src: UnsafePointer<Self>, _ srcStride: Int, _ dst: UnsafeMutablePointer<Self>, _ dstStride: Int, _ accumulate: Int32)
    /// Out[:, j, :] = x[:, idx[j], :].
    static func kernelIndexSelect(_ outer: Int, _ n: Int, _ inner: Int, _ x: UnsafePointer<Self>, _ count: Int, _ indices: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Self>)
    /// Gx (zeroed here)[:, idx[j], :] += g[:, j, :].
    static func kernelIndexSelectBackward(_ outer: Int, _ n: Int, _ inner: Int, _ g: UnsafePointer<Self>, _ count: Int, _ indices: UnsafePointer<Int>, _ gx: UnsafeMutablePointer<Self>)
    /// Out[o, i] = x[o, idx[o, i], i].
    static func kernelGather(_ outer: Int, _ n: Int, _ inner: Int, _ x: UnsafePointer<Self>, _ indices: UnsafePointer<Int>, _ out: UnsafeMutablePointer<Self>)
    /// Gx (zeroed here)[o, idx[o, i], i] = g[o, i].
    static func kernelGatherBackward(_ outer: Int, _ n: Int, _ inner: Int, _ g: UnsafePointer<Self>, _ indices: UnsafePointer<Int>, _ gx: UnsafeMutablePointer<Self>)
    /// Packed lower triangles [batch, n(n+1)/2] to [batch, n, n].
    static func kernelFillLower(_ batch: Int, _ n: Int, _ v: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>)
    /// The adjoint of kernelFillLower.
    static func kernelFillLowerBackward(_ batch: Int, _ n: Int, _ g: UnsafePointer<Self>, _ gv: UnsafeMutablePointer<Self>)

    // ---- Convolution, pooling, batch normalisation (conv.c, pool.c, batchnorm.c)
    /// Y = conv(x, w) (+ bias).
    static func kernelConv2dForward(_ shape: UnsafePointer<ck_conv2d_shape>, _ x: UnsafePointer<Self>, _ w: UnsafePointer<Self>, _ bias: UnsafePointer<Self>?, _ y: UnsafeMutablePointer<Self>)
    /// The gradients wanted (non-nil), overwritten.
    static func kernelConv2dBackward(_ shape: UnsafePointer<ck_conv2d_shape>, _ x: UnsafePointer<Self>, _ w: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, _ gx: UnsafeMutablePointer<Self>?, _ gw: UnsafeMutablePointer<Self>?, _ gb: UnsafeMutablePointer<Self>?)
    /// Max pooling with the argmax of each window.
    static func kernelMaxPool2dForward(_ shape: UnsafePointer<ck_pool2d_shape>, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ argmax: UnsafeMutablePointer<Int32>?)
    /// Gy routed back to the argmax positions.
    static func kernelMaxPool2dBackward(_ shape: UnsafePointer<ck_pool2d_shape>, _ argmax: UnsafePointer<Int32>, _ gy: UnsafePointer<Self>, _ gx: UnsafeMutablePointer<Self>)
    /// Average pooling, padding counted in the divisor.
    static func kernelAvgPool2dForward(_ shape: UnsafePointer<ck_pool2d_shape>, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)
    /// The adjoint of kernelAvgPool2dForward.
    static func kernelAvgPool2dBackward(_ shape: UnsafePointer<ck_pool2d_shape>, _ gy: UnsafePointer<Self>, _ gx: UnsafeMutablePointer<Self>)
    /// Per-channel mean and biased variance of x viewed as [n, c, inner].
    static func kernelBatchNormStats(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Self>, _ mean: UnsafeMutablePointer<Self>, _ variance: UnsafeMutablePointer<Self>)
    /// Y = (x - mean) * invstd * weight + bias per channel.
    static func kernelBatchNormApply(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Self>, _ mean: UnsafePointer<Self>, _ invstd: UnsafePointer<Self>, _ weight: UnsafePointer<Self>?, _ bias: UnsafePointer<Self>?, _ y: UnsafeMutablePointer<Self>)
    /// Input, weight and bias gradients (nil: not wanted).
    static func kernelBatchNormBackward(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Self>, _ gy: UnsafePointer<Self>, _ mean: UnsafePointer<Self>, _ invstd: UnsafePointer<Self>, _ weight: UnsafePointer<Self>?, _ batchStats: Int32, _ gx: UnsafeMutablePointer<Self>?, _ gw: UnsafeMutablePointer<Self>?, _ gb: UnsafeMutablePointer<Self>?)
    /// Y = relu(batchNormApply(x) + residual), residual optional, in one pass.
    static func kernelBatchNormReLUApply(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Self>, _ mean: UnsafePointer<Self>, _ invstd: UnsafePointer<Self>, _ weight: UnsafePointer<Self>?, _ bias: UnsafePointer<Self>?, _ residual: UnsafePointer<Self>?, _ y: UnsafeMutablePointer<Self>)
    /// Its backward, the relu mask recomputed from the inputs; gresidual required with a residual.
    static func kernelBatchNormReLUBackward(_ n: Int, _ c: Int, _ inner: Int, _ x: UnsafePointer<Self>, _ residual: UnsafePointer<Self>?, _ gy: UnsafePointer<Self>, _ mean: UnsafePointer<Self>, _ invstd: UnsafePointer<Self>, _ weight: UnsafePointer<Self>?, _ bias: UnsafePointer<Self>?, _ batchStats: Int32, _ gx: UnsafeMutablePointer<Self>?, _ gw: UnsafeMutablePointer<Self>?, _ gb: UnsafeMutablePointer<Self>?, _ gresidual: UnsafeMutablePointer<Self>?)

    // ---- Optimisers (optim.c)
    /// One fused SGD step (PyTorch's).
    static func kernelSGDStep(_ n: Int, _ parameter: UnsafeMutablePointer<Self>, _ gradient: UnsafePointer<Self>, _ momentumBuffer: UnsafeMutablePointer<Self>?, _ hyper: UnsafePointer<ck_sgd_hyper>, _ firstStep: Int32)
    /// One fused Adam / AdamW step (PyTorch's).
    static func kernelAdamStep(_ n: Int, _ parameter: UnsafeMutablePointer<Self>, _ gradient: UnsafePointer<Self>, _ average: UnsafeMutablePointer<Self>, _ squareAverage: UnsafeMutablePointer<Self>, _ hyper: UnsafePointer<ck_adam_hyper>, _ step: Int)
    /// Sum of x[i]^2 in double, in a thread-count-independent order.
    static func kernelSumOfSquares(_ n: Int, _ x: UnsafePointer<Self>) -> Double
    /// X *= factor.
    static func kernelScaleInPlace(_ n: Int, _ x: UnsafeMutablePointer<Self>, _ factor: Double)

    /// out = x converted to `Other` (a copy when Other is Self).
    static func kernelConvert<Other: TensorScalar>(_ n: Int, _ x: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Other>)
}

import CKernels

/// An activation kept in the convolution engine's own layout (oneDNN's channel blocks) between
/// the convolutions of a forward pass in inference, instead of being reordered from and to NCHW
/// around every convolution (Sources/CKernels/inference_onednn.c). Made from a float32 tensor
/// with `init?(_:)`, carried through `conv2d`, `maxPool2d` and `globalAveragePool2d`, read back
/// with `tensor()`. Records no graph: for evaluation only (`InferenceResNet` uses it).
///
/// Each op returns nil when the engine cannot take it (another engine configured, or a shape
/// oneDNN refuses); callers then run the plain tensor ops, which give the same values up to
/// rounding.
public final class EngineActivation {
    let handle: OpaquePointer
    /// [N, C, H, W].
    public let shape: [Int]

    init(handle: OpaquePointer) {
        self.handle = handle
        var dims = [Int](repeating: 0, count: 4)
        dims.withUnsafeMutableBufferPointer { ck_engine_activation_dims(handle, $0.baseAddress) }
        shape = dims
    }

    deinit { ck_engine_activation_free(handle) }

    /// A copy of `tensor` ([N, C, H, W]), the start of a chain: an image batch of up to 4
    /// channels stays NCHW (oneDNN's first-layer kernels read it so), wider tensors go into
    /// blocks. nil unless float32 convolutions run on oneDNN.
    public convenience init?(_ tensor: Tensor<Float>) {
        precondition(tensor.shape.count == 4, "EngineActivation: a tensor of shape \(shapeString(tensor.shape)), expected [N, C, H, W]")
        guard Kernels.convolutionEngine == .onednn,
              let handle = ck_engine_activation_from_nchw(tensor.data, tensor.shape[0], tensor.shape[1], tensor.shape[2], tensor.shape[3])
        else { return nil }
        self.init(handle: handle)
    }

    /// Channels per block of the layout: 1 (NCHW), 8 or 16.
    public var channelsPerBlock: Int { ck_engine_activation_block(handle) }

    /// The activation as an NCHW tensor.
    public func tensor() -> Tensor<Float> {
        let out = Tensor<Float>(uninitializedShape: shape)
        ck_engine_activation_to_nchw(handle, out.data)
        return out
    }

    /// conv2d(weight, bias) as `Tensor.conv2d` (groups 1), plus `residual` (its buffer is taken
    /// over: do not use `residual` afterwards), then ReLU when `relu` (NaN passes). nil when
    /// oneDNN refuses the shape. A 3x3 stride-1 convolution of 64 channels and more in and out
    /// runs as a Winograd convolution unless `RuntimeConfiguration.winogradConvolutions` is off.
    public func conv2d(weight: EngineWeights, bias: Tensor<Float>?, stride: Int, padding: Int, dilation: Int = 1,
                       addingTo residual: EngineActivation? = nil, relu: Bool) -> EngineActivation? {
        let geometry = validate {
            try Conv2dGeometry(input: shape, weight: weight.tensor.shape, bias: bias?.shape, stride: stride, padding: padding,
                               dilation: dilation, groups: 1)
        }
        if let residual, residual.shape != geometry.outputShape {
            preconditionFailure("EngineActivation.conv2d: the residual is \(shapeString(residual.shape)), the output \(shapeString(geometry.outputShape))")
        }
        var s = geometry.kernelShape
        guard let out = ck_engine_conv2d(handle, &s, weight.handle, bias.map { UnsafePointer($0.data) }, residual?.handle, relu ? 1 : 0)
        else { return nil }
        return EngineActivation(handle: out)
    }

    /// `Tensor.maxPool2d` (NaN propagates the same way); nil for a layout the pooling cannot read.
    public func maxPool2d(kernelSize: Int, stride: Int, padding: Int) -> EngineActivation? {
        _ = validate { try Pool2dGeometry(op: "maxPool2d", input: shape, kernelSize: kernelSize, stride: stride, padding: padding) }
        return ck_engine_max_pool2d(handle, kernelSize, stride, padding).map(EngineActivation.init(handle:))
    }

    /// [N, C]: the mean of each channel's plane, as `Tensor.globalAveragePool2d`.
    public func globalAveragePool2d() -> Tensor<Float> {
        let out = Tensor<Float>(uninitializedShape: [shape[0], shape[1]])
        ck_engine_global_average_pool(handle, out.data)
        return out
    }
}

/// A convolution's weights [O, C, KH, KW] for `EngineActivation.conv2d`, with what the engine
/// makes of them (its reordered copy, the Winograd matrices) made on first use and kept, so that a
/// model evaluated many times prepares its weights once. Holds on to `tensor`, which must not
/// change afterwards.
public final class EngineWeights: @unchecked Sendable {  // the C side locks around its caches
    public let tensor: Tensor<Float>
    let handle: OpaquePointer

    public init(_ tensor: Tensor<Float>) {
        precondition(tensor.shape.count == 4, "EngineWeights: a weight of shape \(shapeString(tensor.shape)), expected [O, C, KH, KW]")
        self.tensor = tensor
        handle = ck_engine_weights_new(tensor.data, tensor.shape[0], tensor.shape[1], tensor.shape[2], tensor.shape[3])
    }

    deinit { ck_engine_weights_free(handle) }
}

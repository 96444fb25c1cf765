import Autodiff
import Layers

/// PyTorch's nn.PReLU with one slope per channel: max(0, x) + slope_c · min(0, x), over
/// [N, C, H, W] or [N, C]. Built from differentiable ops, so it also trains; when nothing is
/// recorded (inference) it runs as one pass instead of three. It lives here because MTCNN is
/// its only user so far (a candidate for Layers).
public final class PReLU<Scalar: TensorScalar>: Layer {
    /// [C], PyTorch's `weight`.
    public var weight: Tensor<Scalar>
    public var isTraining = false

    public init(channels: Int, initialSlope: Scalar = 0.25) {
        precondition(channels > 0, "PReLU: channels must be positive, got \(channels)")
        weight = Tensor(repeating: initialSlope, shape: [channels])
    }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [("weight", weight)] }
    public var namedBuffers: [(name: String, tensor: Tensor<Scalar>)] { [] }

    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        let channels = weight.shape[0]
        guard (input.rank == 4 || input.rank == 2), input.shape[1] == channels else {
            fatalError("PReLU(\(channels)): expected input [N, \(channels), H, W] or [N, \(channels)], got \(shapeString(input.shape))")
        }
        if Graph.isRecording && (input.isTracked || weight.isTracked) { return differentiable(input) }
        let out = Tensor<Scalar>(uninitializedShape: input.shape)
        let inner = input.rank == 4 ? input.shape[2] * input.shape[3] : 1
        let (x, y, slopes) = (input.data, out.data, weight.data)
        for row in 0..<(input.shape[0] * channels) {
            let slope = slopes[row % channels], base = row * inner
            for i in base..<(base + inner) {
                let v = x[i]
                y[i] = v < 0 ? slope * v : v
            }
        }
        return out
    }

    /// The same function from recorded ops, for training.
    func differentiable(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        let channels = weight.shape[0]
        let slope = weight.reshaped(input.rank == 4 ? [1, channels, 1, 1] : [1, channels])
        return input.relu() + slope * input.minimum(Tensor(Scalar.zero))
    }
}

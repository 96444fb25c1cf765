import Autodiff
import CKernels
import CKernelsTestSupport
import Testing

/// Results must not depend on the number of kernel threads (OMP_NUM_THREADS, `--threads`):
/// Documentation/Reproducing.md lists what still changes them.
@Suite(.serialized) struct ThreadCountIndependenceTests {
    /// The gradients of a convolution on small feature maps (where several images share one
    /// gemm) with `threads` kernel threads, on `engine` whatever LRN_CONV_ENGINE says.
    func convolutionGradients(engine: Int32, threads: Int32, input: [Int], weight: [Int], stride: Int, padding: Int)
        -> [[Float]]
    {
        let previous = ck_max_threads()
        ck_set_num_threads(threads)
        let previousEngine = ck_testing_use_conv_engine(engine)
        defer {
            ck_set_num_threads(previous)
            _ = ck_testing_use_conv_engine(previousEngine)
        }
        var rng = RandomGenerator(seed: 3)
        let x = Tensor<Float>(randomNormal: input, generator: &rng, requiresGrad: true)
        let w = Tensor<Float>(randomNormal: weight, generator: &rng, requiresGrad: true)
        // Layers of 64 channels and more have no bias, as in a ResNet (a batch norm follows), so
        // that the whole backward pass of the 3x3 ones runs as Winograd convolutions.
        let b = weight[0] < 64 ? Tensor<Float>(randomNormal: [weight[0]], generator: &rng, requiresGrad: true) : nil
        let y = x.conv2d(weight: w, bias: b, stride: stride, padding: padding)
        (y * y).sum().backward()
        return [y.scalars, x.grad!.scalars, w.grad!.scalars, b?.grad!.scalars ?? []]
    }

    /// (input, weight, stride, padding): small maps where images share a gemm, the small
    /// ResNet's stem, strided blocks and last stage at 32×32, 1×1 strided shortcuts (whose weight
    /// gradient oneDNN's own kernels split by thread), a batch that leaves a short last chunk of
    /// oneDNN's weight gradient (Sources/CKernels/conv_onednn.c).
    static let shapes: [([Int], [Int], Int, Int)] = [
        ([16, 8, 4, 4], [8, 8, 3, 3], 1, 1), ([16, 3, 32, 32], [16, 3, 3, 3], 1, 1),
        ([16, 16, 16, 16], [32, 16, 3, 3], 2, 1), ([16, 32, 8, 8], [64, 32, 1, 1], 2, 0),
        ([32, 16, 48, 48], [32, 16, 1, 1], 2, 0), ([32, 64, 12, 12], [128, 64, 1, 1], 2, 0),
        ([16, 64, 8, 8], [128, 64, 3, 3], 2, 1), ([16, 128, 4, 4], [128, 128, 3, 3], 1, 1),
        ([21, 16, 12, 12], [32, 16, 3, 3], 1, 1),
        // Winograd convolutions: chunks of tiles; every tile first, then the products.
        ([4, 64, 12, 12], [64, 64, 3, 3], 1, 1), ([8, 64, 6, 6], [128, 64, 3, 3], 1, 1),
    ]

    static let engines: [Int32] = [Int32(CK_CONV_ENGINE_IM2COL), Int32(CK_CONV_ENGINE_ONEDNN)]

    @Test("a convolution's output and gradients are bit-identical with 1, 2 and 3 threads, on each engine",
          arguments: engines, shapes)
    func convolutionIgnoresThreadCount(_ engine: Int32, _ shape: ([Int], [Int], Int, Int)) {
        let name = String(cString: ck_conv_engine_name(engine))
        let one = convolutionGradients(engine: engine, threads: 1, input: shape.0, weight: shape.1, stride: shape.2,
                                       padding: shape.3)
        for threads: Int32 in [2, 3] {
            let other = convolutionGradients(engine: engine, threads: threads, input: shape.0, weight: shape.1,
                                             stride: shape.2, padding: shape.3)
            for (tensor, (a, b)) in zip(["output", "input gradient", "weight gradient", "bias gradient"], zip(one, other)) {
                let differing = zip(a, b).filter { $0 != $1 }.count
                #expect(differing == 0,
                        "\(name), \(shape): \(tensor): \(differing) of \(a.count) values differ between 1 and \(threads) threads")
            }
        }
    }
}

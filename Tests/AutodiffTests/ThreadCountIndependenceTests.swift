import Autodiff
import CKernels
import Testing

/// Results must not depend on the number of kernel threads (OMP_NUM_THREADS, `--threads`):
/// Documentation/Reproducing.md lists what still changes them.
@Suite(.serialized) struct ThreadCountIndependenceTests {
    /// The gradients of a convolution on small feature maps (where several images share one
    /// gemm) with `threads` kernel threads.
    func convolutionGradients(threads: Int32) -> [[Float]] {
        let previous = ck_max_threads()
        ck_set_num_threads(threads)
        defer { ck_set_num_threads(previous) }
        var rng = RandomGenerator(seed: 3)
        let x = Tensor<Float>(randomNormal: [16, 8, 4, 4], generator: &rng, requiresGrad: true)
        let w = Tensor<Float>(randomNormal: [8, 8, 3, 3], generator: &rng, requiresGrad: true)
        let b = Tensor<Float>(randomNormal: [8], generator: &rng, requiresGrad: true)
        let y = x.conv2d(weight: w, bias: b, padding: 1)
        (y * y).sum().backward()
        return [y.scalars, x.grad!.scalars, w.grad!.scalars, b.grad!.scalars]
    }

    @Test("a convolution's output and gradients are bit-identical with 1, 2 and 3 threads")
    func convolutionIgnoresThreadCount() {
        let one = convolutionGradients(threads: 1)
        for threads: Int32 in [2, 3] {
            let other = convolutionGradients(threads: threads)
            for (name, (a, b)) in zip(["output", "input gradient", "weight gradient", "bias gradient"], zip(one, other)) {
                #expect(a == b, "\(name) differs between 1 and \(threads) threads")
            }
        }
    }
}

import Autodiff
import Foundation
import Layers
import Testing

/// Loading refuses weights holding NaN or Inf (a diverged run's checkpoint), naming the tensor.
@Suite struct NonFiniteLoadTests {
    @Test func checkpointWhoseConv1IsAllNaNIsRefusedAndTheModelIsUnchanged() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var g1 = RandomGenerator(seed: 1), g2 = RandomGenerator(seed: 2)
        let source = SmallResNet<Float>(classCount: 5, widths: [8, 16], generator: &g1)
        source.conv1.weight.fill(.nan)
        let url = directory.file("nan-conv1.safetensors")
        try source.save(to: url)

        let target = SmallResNet<Float>(classCount: 5, widths: [8, 16], generator: &g2)
        let before = bitPatterns(target)
        for strict in [true, false] {
            #expect {
                try target.load(from: url, strict: strict)
            } throws: { error in
                "\(error)" == "checkpoint \(url.path): conv1.weight holds \(source.conv1.weight.count) NaN values; refusing to load it (the model is unchanged)"
            }
        }
        #expect(bitPatterns(target) == before)
    }

    @Test func summaryCountsNaNAndInfinitySeparately() {
        #expect(nonFiniteSummary(Tensor<Double>(shape: [3], scalars: [1, 2, 3])) == nil)
        #expect(nonFiniteSummary(Tensor<Float>(shape: [3], scalars: [.infinity, 0, -.infinity])) == "2 infinite values")
        #expect(nonFiniteSummary(Tensor<Float>(shape: [3], scalars: [.nan, .infinity, .nan])) == "2 NaN values and 1 infinite value")
    }
}

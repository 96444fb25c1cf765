import Autodiff
import LRN
import Testing

/// Bad input stops with a message that names what was wrong: the shape, the position, the value.
@Suite struct BadInputTests {
    static func stderr(_ result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    @Test func labelOutOfRangeNamesPositionAndValue() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = RandomGenerator(seed: 1)
            let head = HeteroscedasticHead<Float>(featureCount: 4, classCount: 3, trainingSampleCount: 5, generator: &rng)
            _ = head.loss(Tensor<Float>(zeros: [2, 4]), labels: [1, 7], generator: &rng)
        }
        let message = Self.stderr(result)
        #expect(message.contains("label 7 at batch position 1") && message.contains("0..<3"), "\(message)")
    }

    @Test func labelCountMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = crossEntropy(logits: Tensor<Float>(zeros: [3, 4]), labels: [0, 1])
        }
        #expect(Self.stderr(result).contains("crossEntropy: 2 labels for a batch of 3 rows"))
    }

    @Test func featuresOfTheWrongWidthNameBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = RandomGenerator(seed: 1)
            let head = HeteroscedasticHead<Float>(featureCount: 512, classCount: 7, generator: &rng)
            _ = head(Tensor<Float>(zeros: [64, 256]))
        }
        let message = Self.stderr(result)
        #expect(message.contains("[M, 512]") && message.contains("[64, 256]"), "\(message)")
    }

    @Test func cldFeatureWidth() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = RandomGenerator(seed: 1)
            let cld = CLDLoss<Float>(classCount: 7, featureCount: 16, generator: &rng)
            _ = cld(Tensor<Float>(zeros: [4, 8]))
        }
        let message = Self.stderr(result)
        #expect(message.contains("[M, 16]") && message.contains("[4, 8]"), "\(message)")
    }

    @Test func customSimilarityOfTheWrongShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = RandomGenerator(seed: 1)
            let cld = CLDLoss<Float>(classCount: 3, featureCount: 2, generator: &rng)
            cld.similarity = CLDSimilarity(name: "broken") { f, _ in f }
            _ = cld(Tensor<Float>(zeros: [4, 2]))
        }
        let message = Self.stderr(result)
        #expect(message.contains("\"broken\"") && message.contains("[4, 2]") && message.contains("[4, 3]"), "\(message)")
    }

    @Test func drawsThatDoNotFitTheFactor() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let factor = CovarianceFactor.full(lower: Tensor<Float>(zeros: [2, 3, 3]))
            _ = factor.noise(from: LogitNoiseDraws(correlated: Tensor<Float>(zeros: [2, 10, 4])))
        }
        let message = Self.stderr(result)
        #expect(message.contains("[2, 10, 4]") && message.contains("[2, S, 3]"), "\(message)")
    }

    @Test func nonPositiveTemperature() async {
        await #expect(processExitsWith: .failure) {
            var rng = RandomGenerator(seed: 1)
            _ = HeteroscedasticHead<Float>(featureCount: 4, classCount: 3, temperature: 0, generator: &rng)
        }
    }
}

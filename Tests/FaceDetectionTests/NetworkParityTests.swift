import Autodiff
@testable import FaceDetection
import Foundation
import Testing

/// Each network with the bundled weights against PyTorch's outputs on the same fixed input.
@Suite struct NetworkParityTests {
    static let networks = try! MTCNNWeights.load()

    @Test func pnetMatchesPyTorch() {
        let reference = Fixtures.networkOutputs("pnet")
        let (regression, probabilities) = Graph.withoutRecording { Self.networks.pnet(Fixtures.fixedInput(reference.inputShape)) }
        // [1, 3, 17, 23]: odd sizes, so the ceil-mode pooling keeps a last partial window.
        #expect(regression.shape == reference.outputs[0].shape)
        #expect(probabilities.shape == reference.outputs[1].shape)
        #expect(maximumDifference(regression, reference.outputs[0].values) < 1e-4)
        #expect(maximumDifference(probabilities, reference.outputs[1].values) < 1e-4)
    }

    @Test func rnetMatchesPyTorch() {
        let reference = Fixtures.networkOutputs("rnet")
        let (regression, probabilities) = Graph.withoutRecording { Self.networks.rnet(Fixtures.fixedInput(reference.inputShape)) }
        #expect(regression.shape == reference.outputs[0].shape)
        #expect(maximumDifference(regression, reference.outputs[0].values) < 1e-4)
        #expect(maximumDifference(probabilities, reference.outputs[1].values) < 1e-4)
    }

    @Test func onetMatchesPyTorch() {
        let reference = Fixtures.networkOutputs("onet")
        let (regression, landmarks, probabilities) = Graph.withoutRecording { Self.networks.onet(Fixtures.fixedInput(reference.inputShape)) }
        #expect(landmarks.shape == reference.outputs[1].shape)
        #expect(maximumDifference(regression, reference.outputs[0].values) < 1e-4)
        #expect(maximumDifference(landmarks, reference.outputs[1].values) < 1e-4)
        #expect(maximumDifference(probabilities, reference.outputs[2].values) < 1e-4)
    }

    /// The comparison can fail: untrained networks give other outputs.
    @Test func untrainedNetworkDoesNotMatch() {
        let reference = Fixtures.networkOutputs("pnet")
        let (regression, _) = Graph.withoutRecording { PNet()(Fixtures.fixedInput(reference.inputShape)) }
        #expect(maximumDifference(regression, reference.outputs[0].values) > 1e-2)
    }
}

/// Area resampling against PyTorch's interpolate(mode: "area"), shrinking, growing and identity.
@Suite struct AreaResampleTests {
    @Test func matchesPyTorchInterpolateArea() {
        let area = Fixtures.reference["area"] as! [String: Any]
        let shape = area["sourceShape"] as! [Int]
        let count = shape.reduce(1, *)
        let values = (0..<count).map { Float(sin(Float($0))) * 100 + 120 }
        let source = FloatPlanes(width: shape[3], height: shape[2], channels: shape[1], values: values)
        for result in area["results"] as! [[String: Any]] {
            let size = result["size"] as! [Int]
            let expected = result["values"] as! [Double]
            // The generic path (any PixelSource) and the Float-plane path the detector uses.
            let generic = AreaResample.resized(source, width: size[1], height: size[0]).values
            var planes = [Float](repeating: 0, count: expected.count)
            planes.withUnsafeMutableBufferPointer { out in
                AreaResample.resample(source, x: 0, y: 0, width: source.width, height: source.height,
                                      outputWidth: size[1], outputHeight: size[0], into: out.baseAddress!)
            }
            for values in [generic, planes] {
                let worst = zip(values, expected).map { abs(Double($0) - $1) }.max()!
                #expect(worst < 1e-4, "size \(size): largest difference \(worst)")
            }
        }
    }
}

import Autodiff
import Foundation
import Layers
import LRN
@testable import Inference
import Testing

/// Every way a model file can be unusable gives an error naming the file and the tensor or key.
@Suite final class ModelFileValidationTests {
    let temporary = TemporaryFolder()
    var folder: URL { temporary.url }

    func write(_ state: [String: Tensor<Float>], metadata: [String: String], name: String = "model.safetensors") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try SafeTensorsWriter.write(state, metadata: metadata, to: url)
        return url
    }

    func loadError(_ url: URL) -> String {
        do {
            _ = try ModelFile.load(from: url)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func missingFile() {
        let url = folder.appendingPathComponent("absent.safetensors")
        #expect(loadError(url) == "model file \(url.path): no such file")
    }

    @Test func naNTensorIsNamed() throws {
        let model = tinyModel()
        model.backbone.layer(1).data[0] = .nan
        let url = try write(model.stateDict, metadata: tinyMetadata().dictionary)
        #expect(loadError(url).contains("tensor 'backbone.layer1.0.conv1.weight' holds nan at element 0"), "\(loadError(url))")
        // Writing refuses it too, so a diverged model never becomes a model file.
        #expect(thrownError { try ModelFile.write(model, metadata: tinyMetadata(), to: folder.appendingPathComponent("b.safetensors"), overwrite: false) } != nil)
    }

    @Test func metadataThatDoesNotFitTheTensors() throws {
        // Four class names for a three-class head: every mismatching shape is listed.
        let url = try write(tinyModel().stateDict, metadata: tinyMetadata(classes: ["a", "b", "c", "d"]).dictionary)
        let message = loadError(url)
        #expect(message.contains("tensor 'head.fc1.weight' has shape [3, 8], expected [4, 8]"), "\(message)")
        #expect(message.contains("tensor 'cld.centers' has shape [3, 8], expected [4, 8]"), "\(message)")
    }

    @Test func missingAndUnexpectedTensors() throws {
        var state = tinyModel().stateDict
        state["head.fc2.bias"] = nil
        state["fc.weight"] = Tensor(shape: [1], scalars: [0])
        let message = loadError(try write(state, metadata: tinyMetadata().dictionary))
        #expect(message.contains("missing tensors: head.fc2.bias"), "\(message)")
        #expect(message.contains("unexpected tensors: fc.weight"), "\(message)")
    }

    @Test func wrongDType() throws {
        let state = tinyModel().stateDict.mapValues { $0.converted(to: Double.self) }
        let url = folder.appendingPathComponent("double.safetensors")
        try SafeTensorsWriter.write(state, metadata: tinyMetadata().dictionary, to: url)
        #expect(loadError(url).contains("has dtype F64, expected F32"), "\(loadError(url))")
    }

    @Test func badMetadataValues() throws {
        let state = tinyModel().stateDict
        let cases: [(String, String?, String)] = [
            ("format", "lrn-training-checkpoint-1", "metadata 'format' is 'lrn-training-checkpoint-1', expected 'lrn-model-1'"),
            ("classes", nil, "metadata 'classes' is missing"),
            ("classes", "[\"a\",\"a\",\"b\"]", "metadata 'classes' names a class twice"),
            ("normalization_std", "[0.2,0,0.2]", "metadata 'normalization_std' must be positive"),
            ("normalization_mean", "[0.5,0.5]", "metadata 'normalization_mean' has 2 values, expected 3"),
            ("temperature", "nan", "metadata 'temperature' is 'nan', expected a finite number"),
            // Finite as Double, infinite as the Float the model holds.
            ("temperature", "1e300", "metadata 'temperature' is '1e300', beyond Float's range"),
            ("diagonal_floor", "-1e39", "metadata 'diagonal_floor' is '-1e39', beyond Float's range"),
            ("normalization_std", "[0.2,1e39,0.2]", "metadata 'normalization_std' is [0.2,1e39,0.2], beyond Float's range"),
            ("normalization_mean", "[0.5,-1e300,0.5]", "metadata 'normalization_mean' is [0.5,-1e300,0.5], beyond Float's range"),
            ("objective", "SVM", "metadata 'objective' is 'SVM', expected one of CE, CE+CLD, HUM, HUM+CLD"),
            ("method", "ce", "metadata 'method' is 'ce' but objective is 'HUM+CLD'"),
            ("covariance", "diagonal", "metadata 'covariance' is 'diagonal', expected 'full' or 'low-rank:R'"),
            ("image_size", "0", "metadata 'image_size' is '0', expected an integer in 1...4096"),
            ("backbone_blocks", "[1]", "metadata 'backbone_blocks' has 1 stages but backbone_widths has 2"),
            // Refused before the network is built: these widths would need terabytes.
            ("backbone_widths", "[999999,999999]", "the metadata's backbone (widths [999999, 999999], blocks"),
        ]
        for (index, (key, value, expected)) in cases.enumerated() {
            var metadata = tinyMetadata().dictionary
            metadata[key] = value
            let url = try write(state, metadata: metadata, name: "m\(index).safetensors")
            let message = loadError(url)
            #expect(message.contains(expected) && message.contains(url.path), "\(key): \(message)")
        }
    }

    @Test func damagedFile() throws {
        let url = folder.appendingPathComponent("damaged.safetensors")
        try Data([1, 2, 3]).write(to: url)
        #expect(loadError(url).hasPrefix("model file \(url.path): safetensors: file is 3 bytes"), "\(loadError(url))")
    }
}

private extension ResNet {
    /// The first convolution of stage `index` (1-based).
    func layer(_ index: Int) -> Tensor<Scalar> {
        namedParameters.first { $0.name == "layer\(index).0.conv1.weight" }!.tensor
    }
}

import Autodiff
import FaceDetection
import Foundation
import Layers
import Testing

@Suite struct WeightsTests {
    /// A fresh folder holding a copy of the bundled weights, to damage one file at a time.
    static func copyOfWeights() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mtcnn-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in [MTCNNWeights.fileNames.pnet, MTCNNWeights.fileNames.rnet, MTCNNWeights.fileNames.onet] {
            try FileManager.default.copyItem(at: MTCNNWeights.bundledDirectory.appendingPathComponent(name),
                                             to: folder.appendingPathComponent(name))
        }
        return folder
    }

    static func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    /// P-Net's trained tensors by name, with `change` applied.
    static func rewritePNet(in folder: URL, _ change: (inout [String: Tensor<Float>]) -> Void) throws {
        let url = folder.appendingPathComponent(MTCNNWeights.fileNames.pnet)
        var tensors: [String: Tensor<Float>] = try SafeTensorsFile(contentsOf: url).tensors(as: Float.self)
        change(&tensors)
        try SafeTensorsWriter.write(tensors, to: url)
    }

    @Test func bundledWeightsLoadStrictly() throws {
        let (pnet, rnet, onet) = try MTCNNWeights.load()
        #expect(pnet.namedParameters.count == 13 && rnet.namedParameters.count == 16 && onet.namedParameters.count == 21)
        #expect(pnet.parameterCount == 6_632)
    }

    @Test func missingFileIsNamed() throws {
        let folder = try Self.copyOfWeights()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent(MTCNNWeights.fileNames.rnet))
        let text = Self.message { _ = try FaceDetector(weightsDirectory: folder) }
        #expect(text.contains("mtcnn-rnet.safetensors") && text.contains("no such file"))
    }

    @Test func notASafetensorsFile() throws {
        let folder = try Self.copyOfWeights()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("not weights".utf8).write(to: folder.appendingPathComponent(MTCNNWeights.fileNames.onet))
        let text = Self.message { _ = try MTCNNWeights.load(directory: folder) }
        #expect(text.contains("mtcnn-onet.safetensors") && text.contains("not a valid safetensors file"))
    }

    @Test func wrongShapeIsNamed() throws {
        let folder = try Self.copyOfWeights()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.rewritePNet(in: folder) { $0["conv2.weight"] = Tensor(zeros: [16, 10, 2, 2]) }
        let text = Self.message { _ = try MTCNNWeights.load(directory: folder) }
        #expect(text.contains("mtcnn-pnet.safetensors") && text.contains("conv2.weight") && text.contains("[16, 10, 2, 2]"))
    }

    @Test func missingAndExtraNames() throws {
        let folder = try Self.copyOfWeights()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.rewritePNet(in: folder) { tensors in
            tensors["prelu3.weight"] = nil
            tensors["conv5.weight"] = Tensor(zeros: [1])
        }
        let text = Self.message { _ = try MTCNNWeights.load(directory: folder) }
        #expect(text.contains("prelu3.weight") && text.contains("conv5.weight"))
    }

    @Test func nonFiniteValueIsNamed() throws {
        let folder = try Self.copyOfWeights()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.rewritePNet(in: folder) { tensors in
            let bias = tensors["conv3.bias"]!.copy()
            bias.data[5] = .nan
            tensors["conv3.bias"] = bias
        }
        let text = Self.message { _ = try MTCNNWeights.load(directory: folder) }
        #expect(text.contains("conv3.bias") && text.contains("nan") && text.contains("flat index 5") && text.contains("finite"))
    }

    /// The untouched copy loads: the failures above come from the damage, not the copying.
    @Test func intactCopyLoads() throws {
        let folder = try Self.copyOfWeights()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try FaceDetector(weightsDirectory: folder)
    }
}

import Autodiff
import Foundation
import Layers

/// MTCNN's trained weights: shipped with this module (Weights/, converted from facenet-pytorch's
/// files by Tools/convert_mtcnn_weights.py; licence in Weights/LICENSE), so nothing is fetched
/// at run time. Loading checks every name, shape and value and says which file is wrong.
public enum MTCNNWeights {
    public static let fileNames = (pnet: "mtcnn-pnet.safetensors", rnet: "mtcnn-rnet.safetensors", onet: "mtcnn-onet.safetensors")

    /// The folder of weights inside this module's resources.
    public static var bundledDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Weights", isDirectory: true)
    }

    /// The three networks with their trained weights, from `directory` (the bundled weights
    /// by default).
    public static func load(directory: URL? = nil) throws -> (pnet: PNet, rnet: RNet, onet: ONet) {
        let folder = directory ?? bundledDirectory
        let pnet = PNet(), rnet = RNet(), onet = ONet()
        try load(pnet, from: folder.appendingPathComponent(fileNames.pnet))
        try load(rnet, from: folder.appendingPathComponent(fileNames.rnet))
        try load(onet, from: folder.appendingPathComponent(fileNames.onet))
        return (pnet, rnet, onet)
    }

    /// Loads one network strictly: every name present with its shape, nothing extra, every value
    /// finite. On error the network may be partly loaded and should be discarded.
    public static func load<M: Module>(_ network: M, from url: URL) throws where M.Scalar == Float {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw FaceDetectionError.invalidWeights(path: path, reason: "no such file")
        }
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            throw FaceDetectionError.invalidWeights(path: path, reason: "not a valid safetensors file: \(error)")
        }
        do {
            for name in file.names {
                let values = try file.tensor(name, as: Float.self).scalars
                if let bad = values.firstIndex(where: { !$0.isFinite }) {
                    throw FaceDetectionError.invalidWeights(
                        path: path, reason: "tensor \(name) holds \(values[bad]) at flat index \(bad); every weight must be finite")
                }
            }
            try network.load(file, strict: true, source: path)
        } catch let error as FaceDetectionError {
            throw error
        } catch let error as CheckpointError {
            if case let .incompatible(_, report) = error {
                throw FaceDetectionError.invalidWeights(
                    path: path, reason: "names or shapes do not match \(M.self) (expected \(network.namedParameters.count) tensors):\n\(report)")
            }
            throw FaceDetectionError.invalidWeights(path: path, reason: "\(error)")
        } catch {
            throw FaceDetectionError.invalidWeights(path: path, reason: "\(error)")
        }
    }
}

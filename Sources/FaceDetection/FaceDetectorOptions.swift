import Foundation

/// The knobs of MTCNN detection; the defaults are the paper's and the reference code's.
public struct FaceDetectorOptions: Equatable, Sendable {
    /// Smallest face side, in pixels, the image pyramid is built to find (20 by default).
    /// Smaller faces are sometimes found too, but not reliably.
    public var minimumFaceSize: Int = 20
    /// Face-probability thresholds of P-Net, R-Net and O-Net (0.6, 0.7, 0.7).
    public var thresholds: [Float] = [0.6, 0.7, 0.7]
    /// Ratio between successive pyramid scales (0.709, about 1/√2: each level halves the area).
    public var scaleFactor: Double = 0.709
    /// Photos whose longer side exceeds this are first shrunk (area averaging) to this size:
    /// the pyramid's first level would otherwise take gigabytes. Boxes and landmarks are given
    /// in the original photo's coordinates; faces smaller than `minimumFaceSize` x (longer
    /// side / maximumImageSide) are then not looked for.
    public var maximumImageSide: Int = 2048
    /// Candidate crops per R-Net / O-Net batch (bounds memory on cluttered photos).
    public var batchSize: Int = 256

    public init(minimumFaceSize: Int = 20, thresholds: [Float] = [0.6, 0.7, 0.7]) {
        self.minimumFaceSize = minimumFaceSize
        self.thresholds = thresholds
    }

    /// Throws `invalidOption` naming the first option out of range.
    public func validate() throws {
        guard minimumFaceSize >= 12 else {
            throw FaceDetectionError.invalidOption(name: "minimum face size", value: "\(minimumFaceSize)",
                                                   expected: "at least 12 pixels (P-Net's window)")
        }
        guard thresholds.count == 3, thresholds.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
            throw FaceDetectionError.invalidOption(name: "thresholds", value: thresholds.map { "\($0)" }.joined(separator: ","),
                                                   expected: "three probabilities in [0, 1), for P-Net, R-Net and O-Net")
        }
        guard scaleFactor > 0.1 && scaleFactor < 1 else {
            throw FaceDetectionError.invalidOption(name: "scale factor", value: "\(scaleFactor)", expected: "a ratio in (0.1, 1)")
        }
        guard maximumImageSide >= 48 else {
            throw FaceDetectionError.invalidOption(name: "maximum image side", value: "\(maximumImageSide)", expected: "at least 48 pixels")
        }
        guard batchSize >= 1 else {
            throw FaceDetectionError.invalidOption(name: "batch size", value: "\(batchSize)", expected: "at least 1")
        }
    }

    /// Parses "a,b,c" as three thresholds (for command lines).
    public static func parseThresholds(_ text: String) throws -> [Float] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap { Float($0) }
        guard parts.count == 3, values.count == 3, values.allSatisfy({ $0.isFinite && $0 >= 0 && $0 < 1 }) else {
            throw FaceDetectionError.invalidOption(name: "thresholds", value: "\"\(text)\"",
                                                   expected: "three probabilities in [0, 1) separated by commas, e.g. 0.6,0.7,0.7")
        }
        return values
    }
}

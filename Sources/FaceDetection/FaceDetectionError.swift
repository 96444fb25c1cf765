/// Everything that can go wrong when detecting or aligning faces because of data, files or
/// options (programmer errors trap instead). Each message names the file, option or tensor and
/// what was expected. Finding no face is not an error: `detect` returns an empty list.
public enum FaceDetectionError: Error, CustomStringConvertible, Equatable {
    /// A weights file that cannot be read, or whose names, shapes or values are wrong.
    case invalidWeights(path: String, reason: String)
    /// An option out of its range (`--thresholds`, `--min-face-size`, an output size, ...).
    case invalidOption(name: String, value: String, expected: String)
    /// Alignment kept no face in a whole split (or in every photo of a class): nothing to train on.
    case noFacesKept(what: String, photos: Int, report: String)

    public var description: String {
        switch self {
        case let .invalidWeights(path, reason):
            return "MTCNN weights \(path): \(reason)"
        case let .invalidOption(name, value, expected):
            return "invalid \(name) \(value): expected \(expected)"
        case let .noFacesKept(what, photos, report):
            return "no face was kept in \(what) (\(photos) photo\(photos == 1 ? "" : "s")): nothing left to train or test on; every photo is listed with the reason in \(report)"
        }
    }
}

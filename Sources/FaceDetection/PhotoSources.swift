import FERData
import Foundation

/// The photos behind a loaded data set's images, for aligning them with MTCNN (`--align`).
public enum PhotoSources {
    /// The listed files themselves, largest face kept (ImageFolder).
    public static func asListed(_ dataset: ImageFileDataset) -> [AlignmentSource] {
        dataset.paths.map { AlignmentSource(path: $0, choice: .largest) }
    }

    /// The whole images, keeping the detected face that overlaps each image's annotated box
    /// (AffectNet: the loader's face box says which face is labelled).
    public static func annotatedBoxes(_ dataset: ImageFileDataset) -> [AlignmentSource] {
        zip(dataset.paths, dataset.faceBoxes).map { path, box in
            guard let box else { return AlignmentSource(path: path, choice: .largest) }
            let detection = DetectionBox(x1: Float(box.x), y1: Float(box.y),
                                         x2: Float(box.x + box.width), y2: Float(box.y + box.height))
            return AlignmentSource(path: path, choice: .overlapping(detection))
        }
    }

    /// RAF-DB's original photos (`Image/original/train_00001.jpg`, shipped beside
    /// `Image/aligned/train_00001_aligned.jpg`), largest face kept. Throws naming the first
    /// original that is missing.
    public static func rafDBOriginals(_ dataset: ImageFileDataset) throws -> [AlignmentSource] {
        try dataset.paths.map { aligned in
            let original = rafDBOriginalPath(aligned: aligned)
            guard let original, FileManager.default.fileExists(atPath: original) else {
                throw FERDataError.missingFile(path: original ?? aligned,
                                               what: "RAF-DB original photo (--align reads Image/original/, which RAF-DB ships beside Image/aligned/)")
            }
            return AlignmentSource(path: original, choice: .largest)
        }
    }

    /// `<root>/Image/aligned/<name>_aligned.jpg` → `<root>/Image/original/<name>.jpg`; nil for
    /// a path not in that layout.
    public static func rafDBOriginalPath(aligned path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let stem = url.deletingPathExtension().lastPathComponent
        guard folder.path.hasSuffix("/" + RAFDB.imageDirectory), stem.hasSuffix("_aligned") else { return nil }
        let root = folder.deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("Image/original/\(stem.dropLast("_aligned".count)).jpg").path
    }
}

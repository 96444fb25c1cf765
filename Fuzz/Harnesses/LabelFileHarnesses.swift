import FERData
import Foundation

/// Harnesses for the label-file parsers, through their public loaders only: each input is
/// written as the label file(s) of a small data folder (made once per process, with a few tiny
/// images) and the data set is loaded; every image of the result is then read. The loaders must
/// return data sets whose labels are in range or throw a FERDataError.
public enum LabelFileHarnesses {
    /// Input → RAF-DB's EmoLabel/list_patition_label.txt. Images exist for train_00001,
    /// train_00002, test_0001 and test_0002.
    public static func rafDB(_ bytes: [UInt8]) {
        let root = DataFolder.rafDB
        write(bytes, root, RAFDB.labelFile)
        expectLoadOrError { let sets = try RAFDB.load(root: root); return [sets.train, sets.test] }
    }

    /// Input → fer2013.csv, a NUL byte, then fer2013new.csv.
    public static func ferPlus(_ bytes: [UInt8]) {
        let root = DataFolder.ferPlus
        let (pixels, votes) = splitAtNUL(bytes)
        write(pixels, root, "fer2013.csv")
        write(votes, root, "fer2013new.csv")
        expectLoadOrError { let sets = try FERPlus.load(root: root); return [sets.train, sets.test] }
    }

    /// Input → AffectNet's training.csv, a NUL byte, then validation.csv; loaded with 8 and with
    /// 7 classes. Images exist at 1/a.jpg, 1/b.png and 2/c.jpg (8x6 pixels).
    public static func affectNet(_ bytes: [UInt8]) {
        let root = DataFolder.affectNet
        let (training, validation) = splitAtNUL(bytes)
        write(training, root, "training.csv")
        write(validation, root, "validation.csv")
        for classCount in [8, 7] {
            expectLoadOrError { let sets = try AffectNet.load(root: root, classCount: classCount); return [sets.train, sets.test] }
        }
    }

    /// Runs a loader; on success reads every label and image (at most 64 per set).
    static func expectLoadOrError(_ load: () throws -> [any LabeledImageDataset]) {
        do {
            for dataset in try load() {
                for index in 0..<min(dataset.count, 64) {
                    precondition((0..<dataset.classCount).contains(dataset.label(at: index)), "label out of range")
                    do { _ = try dataset.loadImage(at: index) } catch is FERDataError {}
                }
            }
        } catch is FERDataError {
        } catch {
            preconditionFailure("the loader threw \(type(of: error)), expected FERDataError: \(error)")
        }
    }

    static func splitAtNUL(_ bytes: [UInt8]) -> ([UInt8], [UInt8]) {
        guard let nul = bytes.firstIndex(of: 0) else { return (bytes, []) }
        return (Array(bytes[..<nul]), Array(bytes[(nul + 1)...]))
    }

    /// Plain write, no fsync: FileManager.createFile syncs to disk and would cap the harness
    /// at a few hundred inputs per second.
    static func write(_ bytes: [UInt8], _ root: String, _ relative: String) {
        let path = (root as NSString).appendingPathComponent(relative)
        guard let file = fopen(path, "wb") else { preconditionFailure("fuzz harness cannot write \(path)") }
        precondition(fwrite(bytes, 1, bytes.count, file) == bytes.count && fclose(file) == 0, "fuzz harness cannot write \(path)")
    }
}

/// The per-process data folders of the label harnesses, removed at exit.
enum DataFolder {
    static let base: String = {
        // In memory when the system has /dev/shm: rewriting a file on ext4 flushes it to disk.
        let shm = "/dev/shm"
        let parent = FileManager.default.isWritableFile(atPath: shm) ? shm : NSTemporaryDirectory()
        let path = (parent as NSString).appendingPathComponent("lrn-fuzz-\(getpid())")
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: DataFolder.base) }
        return path
    }()

    static let rafDB: String = make("rafdb", images: [
        "Image/aligned/train_00001_aligned.jpg", "Image/aligned/train_00002_aligned.jpg",
        "Image/aligned/test_0001_aligned.jpg", "Image/aligned/test_0002_aligned.jpg",
    ], folders: ["EmoLabel"])

    static let ferPlus: String = make("ferplus", images: [], folders: [])

    static let affectNet: String = make("affectnet", images: [
        "Manually_Annotated_Images/1/a.jpg", "Manually_Annotated_Images/1/b.png", "Manually_Annotated_Images/2/c.jpg",
    ], folders: [])

    static func make(_ name: String, images: [String], folders: [String]) -> String {
        let root = (base as NSString).appendingPathComponent(name)
        for folder in folders + images.map({ ($0 as NSString).deletingLastPathComponent }) + [""] {
            try! FileManager.default.createDirectory(atPath: (root as NSString).appendingPathComponent(folder),
                                                     withIntermediateDirectories: true)
        }
        let image = RGBImage(width: 8, height: 6, red: 200, green: 120, blue: 40)
        for relative in images { try! ImageCodec.save(image, path: (root as NSString).appendingPathComponent(relative)) }
        return root
    }
}

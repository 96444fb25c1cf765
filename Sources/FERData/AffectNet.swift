import Foundation

/// AffectNet (manually annotated part) in its published layout: `training.csv` and
/// `validation.csv` (at the root or in `Manually_Annotated_file_lists/`), images under
/// `Manually_Annotated_Images/` (or the root) at `subDirectory_filePath`. Each image is cropped
/// to its face box. Expression codes 0–7 are the classes (Neutral, Happy, Sad, Surprise, Fear,
/// Disgust, Anger, Contempt); 8–10 (none, uncertain, no face) are dropped, and with 7 classes
/// Contempt (7) is dropped too. The validation set is the test set (500 images per class).
/// Each image may be listed once per file, and its path must stay inside the image folder
/// (`RelativeImagePath`).
public enum AffectNet {
    public static let header = ["subDirectory_filePath", "face_x", "face_y", "face_width", "face_height",
                                "facial_landmarks", "expression", "valence", "arousal"]

    /// `cropToFace: false` keeps whole images (for copies of AffectNet already cropped to faces).
    public static func load(root: String, classCount: Int = 8, imagesRoot: String? = nil, cropToFace: Bool = true)
        throws -> (train: ImageFileDataset, test: ImageFileDataset) {
        guard classCount == 7 || classCount == 8 else {
            throw FERDataError.invalidValue("AffectNet class count \(classCount) not supported; expected 7 or 8")
        }
        try TextFile.requireDirectory(root, what: "AffectNet data folder")
        let images = imagesRoot ?? {
            let standard = (root as NSString).appendingPathComponent("Manually_Annotated_Images")
            return TextFile.isDirectory(standard) ? standard : root
        }()
        try TextFile.requireDirectory(images, what: "AffectNet image folder")
        let names = classCount == 8 ? ExpressionClasses.affectNet8 : ExpressionClasses.affectNet7
        var train = try readCSV(locate("training.csv", root: root), imagesRoot: images, classNames: names)
        var test = try readCSV(locate("validation.csv", root: root), imagesRoot: images, classNames: names)
        if !cropToFace {
            train = ImageFileDataset(classNames: names, paths: train.paths, labels: train.fileLabels)
            test = ImageFileDataset(classNames: names, paths: test.paths, labels: test.fileLabels)
        }
        return (train, test)
    }

    static func locate(_ name: String, root: String) -> String {
        let lists = (root as NSString).appendingPathComponent("Manually_Annotated_file_lists/\(name)")
        return FileManager.default.fileExists(atPath: lists) ? lists : (root as NSString).appendingPathComponent(name)
    }

    static func readCSV(_ path: String, imagesRoot: String, classNames: [String]) throws -> ImageFileDataset {
        let lines = TextFile.lines(try TextFile.read(path, what: "AffectNet label file"))
        try CSV.requireHeader(lines.first?.bytes, expected: header, file: path)
        var paths: [String] = [], labels: [Int] = [], boxes: [FaceBox?] = []
        var firstListing: [String: (line: Int, expression: Int)] = [:]
        for (number, line) in lines.dropFirst() where !line.isEmpty {
            let fields = CSV.fields(line)
            let text = TextFile.string(line)
            let expected = "\(header.count) comma-separated fields (\(header.joined(separator: ",")))"
            guard fields.count == header.count,
                  let x = CSV.int(fields[1]), let y = CSV.int(fields[2]),
                  let width = CSV.int(fields[3]), let height = CSV.int(fields[4]),
                  let expression = CSV.int(fields[6]) else {
                throw FERDataError.malformedLine(file: path, line: number, text: String(text.prefix(160)), expected: expected)
            }
            guard (0...10).contains(expression) else {
                throw FERDataError.labelOutOfRange(file: path, line: number, label: expression, validRange: 0...10)
            }
            let listed = TextFile.string(fields[0]).trimmingCharacters(in: .whitespaces)
            guard !listed.isEmpty else {
                throw FERDataError.malformedLine(file: path, line: number, text: String(text.prefix(160)),
                                                 expected: "an image path in the first field")
            }
            guard let relative = RelativeImagePath.resolved(listed) else {
                throw FERDataError.pathOutsideFolder(file: path, line: number, path: listed, folder: imagesRoot)
            }
            // Checked before dropping codes 8–10: an image listed twice is an error whatever its codes.
            if let first = firstListing[relative] {
                throw FERDataError.repeatedImage(file: path, image: listed, firstLine: first.line,
                                                 firstLabel: "expression \(first.expression)", line: number,
                                                 label: "expression \(expression)")
            }
            firstListing[relative] = (number, expression)
            guard expression < classNames.count else { continue }  // 8–10, or contempt in 7-class mode
            guard width > 0, height > 0 else {
                throw FERDataError.malformedLine(file: path, line: number, text: String(text.prefix(160)),
                                                 expected: "a face box with positive width and height")
            }
            let imagePath = (imagesRoot as NSString).appendingPathComponent(relative)
            guard FileManager.default.fileExists(atPath: imagePath) else {
                throw FERDataError.missingImage(listedIn: path, line: number, imagePath: imagePath)
            }
            paths.append(imagePath)
            labels.append(expression)
            boxes.append(FaceBox(x: x, y: y, width: width, height: height))
        }
        guard !paths.isEmpty else { throw FERDataError.emptyDataset("\(path): no rows with expression 0...\(classNames.count - 1)") }
        return ImageFileDataset(classNames: classNames, paths: paths, labels: labels, faceBoxes: boxes)
    }
}

import Autodiff
import ArgumentParser
import FaceDetection
import FERData
import Foundation
import Inference

struct ExamplePredict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Example-Predict",
        abstract: "Predict the class of images with a trained model: probabilities, uncertainty, and for HUM models what the logit covariance says.",
        discussion: """
        Give the model as --model FILE (a model.safetensors) or --run FOLDER (a run's folder: its \
        model.safetensors, else its checkpoint), then image files and/or folders (searched recursively \
        for .jpg, .jpeg, .png). An image inside a folder named after a class is scored against it.

        Prints a table; with --output DIR also writes predictions.csv and predictions.json, and with \
        --sheet a contact sheet (contact-sheet.png and .svg: correct and wrong, confident and uncertain \
        images, as the paper's Figure 3). Existing files are kept unless --overwrite. A file that cannot \
        be read is reported and skipped; the exit status is then 2.

        With --detect-faces the inputs are ordinary photos: MTCNN finds every face, each is aligned \
        to the model's image size and predicted; the table and files get one row per face (box, \
        detector score, prediction) and --output also gets <photo>-faces.png with the boxes and \
        labels drawn. A photo without a face is reported as such.

        Examples:
          swift run -c release Example-Predict --run runs/built-in-rafdb/hum-cld ~/.cache/lrn/synthetic-rafdb/Image/aligned/test_0001_aligned.jpg
          swift run -c release Example-Predict --model model.safetensors my-faces/test --output predictions --sheet
          swift run -c release Example-Predict --run runs/built-in-rafdb/hum-cld --detect-faces group.jpg --output faces
        """)

    @Option(help: ArgumentHelp("A model file written by a run or by Example-Export.", valueName: "file"))
    var model: String?

    @Option(name: .customLong("run"), help: ArgumentHelp("A run folder instead of --model.", valueName: "folder"))
    var runFolder: String?

    @Argument(help: ArgumentHelp("Image files and folders.", valueName: "image-or-folder"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp("Folder for predictions.csv, predictions.json and the contact sheet (created if missing).", valueName: "folder"))
    var output: String?

    @Flag(help: "Replace existing output files.")
    var overwrite = false

    @Flag(help: "Also draw the contact sheet (needs --output and images in class-named folders).")
    var sheet = false

    @Option(name: .customLong("sheet-per-group"), help: "Images per row of the contact sheet.")
    var sheetPerGroup = 4

    @Flag(name: .customLong("detect-faces"), help: "Inputs are photos: find the faces (MTCNN), align and predict each one.")
    var detectFaces = false

    @Option(name: .customLong("min-face-size"), help: ArgumentHelp("With --detect-faces: the smallest face side looked for, in pixels.", valueName: "pixels"))
    var minFaceSize = 20

    @Option(help: ArgumentHelp("HUM models: mc = mean of softmax over Monte-Carlo draws (the paper's p'), mean = softmax(d/T).", valueName: "mc|mean"))
    var prediction: String = "mc"

    @Option(name: .customLong("mc-samples"), help: ArgumentHelp("Monte-Carlo draws per image (default: the model's).", valueName: "S"))
    var mcSamples: Int?

    @Option(help: "Seed of the Monte-Carlo draws (each image's draws depend on it and the image's position).")
    var seed: UInt64 = 0

    @Option(name: .customLong("batch-size"), help: "Images per backbone batch.")
    var batchSize = 32

    @Option(name: .customLong("table-rows"), help: "Images shown in the terminal table (all go to the files).")
    var tableRows = 50

    func validate() throws {
        guard (model == nil) != (runFolder == nil) else { throw ValidationError("Give exactly one of --model FILE and --run FOLDER.") }
        guard !inputs.isEmpty else { throw ValidationError("Give at least one image file or folder.") }
        guard Predictor.Mode(rawValue: prediction) != nil else { throw ValidationError("--prediction must be mc or mean, got '\(prediction)'.") }
        guard !sheet || output != nil else { throw ValidationError("--sheet writes into --output: give --output FOLDER.") }
        guard sheetPerGroup >= 1, batchSize >= 1, tableRows >= 0 else { throw ValidationError("--sheet-per-group and --batch-size must be at least 1, --table-rows at least 0.") }
        guard minFaceSize >= 12 else { throw ValidationError("--min-face-size must be at least 12 pixels (MTCNN's P-Net window), got \(minFaceSize).") }
        guard !(detectFaces && sheet) else { throw ValidationError("--sheet draws whole images; it cannot be combined with --detect-faces.") }
        if let mcSamples, mcSamples < 1 { throw ValidationError("--mc-samples must be at least 1, got \(mcSamples).") }
    }

    mutating func run() throws {
        Kernels.configure()  // threads for OpenBLAS too, and the storage cache's limit
        if detectFaces { return try runOnFaces() }
        let outputFolder = output.map { URL(fileURLWithPath: $0) }
        let csvURL = outputFolder?.appendingPathComponent("predictions.csv")
        let jsonURL = outputFolder?.appendingPathComponent("predictions.json")
        let sheetBase = outputFolder?.appendingPathComponent("contact-sheet")
        // Refuse before any work, not after minutes of predicting.
        if !overwrite {
            var targets = [csvURL, jsonURL].compactMap { $0 }
            if sheet, let sheetBase { targets += [sheetBase.appendingPathExtension("png"), sheetBase.appendingPathExtension("svg")] }
            for url in targets where FileManager.default.fileExists(atPath: url.path) { throw InferenceError.wouldOverwrite(path: url.path) }
        }
        let loadStart = Date()
        let loaded = try model.map { try ModelFile.load(from: URL(fileURLWithPath: $0)) } ?? ModelFile.load(run: URL(fileURLWithPath: runFolder!))
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let predictor = try Predictor(loaded, mode: Predictor.Mode(rawValue: prediction)!, sampleCount: mcSamples)
        let m = loaded.metadata
        print("Model \(loaded.path) (loaded in \(String(format: "%.2f", loadSeconds)) s): \(m.backbone.name) backbone, objective \(m.objective), \(m.classNames.count) classes, images \(m.imageSize)x\(m.imageSize)"
              + (m.objective.usesHUM ? ", \(predictor.mode == .mc ? "Monte-Carlo p' (S = \(predictor.sampleCount), seed \(seed))" : "mean-logit prediction"), T = \(m.temperature)" : ""))

        let (found, inputFailures) = ImageInputs.collect(inputs, classNames: m.classNames)
        let progress = ProgressLine()
        var results = try PredictionRun.run(predictor, inputs: found, batchSize: batchSize, seed: seed,
                                            progress: { progress.update(done: $0, total: $1) })
        results.failures = inputFailures + results.failures
        let report = PredictionReport(results: results, context: PredictionContext(predictor, seed: seed))
        print(report.table(limit: tableRows))

        if let outputFolder, let csvURL, let jsonURL {
            try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
            try report.write(csv: csvURL, json: jsonURL)
            print("Wrote \(csvURL.path) and \(jsonURL.path)")
        }
        if sheet, let sheetBase {
            if let written = try ContactSheet.write(results.predictions, classNames: m.classNames, to: sheetBase, perGroup: sheetPerGroup,
                                                    overwrite: overwrite, image: { try ImageLoading.load(path: $0.path) }) {
                print("Wrote \(written.png.path) and \(written.svg.path)")
            } else {
                print("No contact sheet: no image lies in a folder named after a class, so none has a true label.")
            }
        }
        if !results.failures.isEmpty { throw ExitCode(2) }
    }
}

extension ExamplePredict {
    /// --detect-faces: every face of every photo, with its box, and an annotated copy of each photo.
    func runOnFaces() throws {
        let outputFolder = output.map { URL(fileURLWithPath: $0) }
        let csvURL = outputFolder?.appendingPathComponent("predictions.csv")
        let jsonURL = outputFolder?.appendingPathComponent("predictions.json")
        if !overwrite {
            for url in [csvURL, jsonURL].compactMap({ $0 }) where FileManager.default.fileExists(atPath: url.path) { throw InferenceError.wouldOverwrite(path: url.path) }
        }
        var options = FaceDetectorOptions()
        options.minimumFaceSize = minFaceSize
        let detector = try FaceDetector(options: options)
        let loaded = try model.map { try ModelFile.load(from: URL(fileURLWithPath: $0)) } ?? ModelFile.load(run: URL(fileURLWithPath: runFolder!))
        let predictor = try Predictor(loaded, mode: Predictor.Mode(rawValue: prediction)!, sampleCount: mcSamples)
        let m = loaded.metadata
        print("Model \(loaded.path): \(m.backbone.name) backbone, objective \(m.objective), \(m.classNames.count) classes; "
              + "faces found by MTCNN (smallest \(minFaceSize) px), aligned to \(m.imageSize)x\(m.imageSize)"
              + (m.objective.usesHUM ? ", \(predictor.mode == .mc ? "Monte-Carlo p' (S = \(predictor.sampleCount), seed \(seed))" : "mean-logit prediction")" : ""))

        let (found, inputFailures) = ImageInputs.collect(inputs, classNames: m.classNames)
        // Every output is known before any work: refuse to replace one, or two photos sharing a name.
        let annotated = try outputFolder.map { try FacePhotoAnnotation.outputs(for: found.map(\.path), in: $0) } ?? [:]
        if !overwrite, let existing = annotated.values.sorted(by: { $0.path < $1.path }).first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
            throw InferenceError.wouldOverwrite(path: existing.path)
        }
        if let outputFolder { try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true) }
        let progress = ProgressLine()
        var written: [String] = []
        var results = try FacePredictionRun.run(predictor, detector: detector, inputs: found, seed: seed, photoDone: { input, photo, detected, faces in
            guard let url = annotated[input.path] else { return }
            try ImageCodec.save(FacePhotoAnnotation.draw(faces, detected: detected, on: photo, classNames: m.classNames), path: url.path)
            written.append(url.path)
        }, progress: { progress.update(done: $0, total: $1) })
        results.failures = inputFailures + results.failures
        let report = FaceReport(results: results, context: PredictionContext(predictor, seed: seed))
        print(report.table(limit: tableRows))
        if let csvURL, let jsonURL {
            try report.write(csv: csvURL, json: jsonURL)
            print("Wrote \(csvURL.path), \(jsonURL.path) and \(written.count) annotated photo(s) (<photo>-faces.png)")
        }
        if !results.failures.isEmpty { throw ExitCode(2) }
    }
}

ExamplePredict.main()

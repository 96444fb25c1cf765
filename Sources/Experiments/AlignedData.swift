import Autodiff
import FaceDetection
import FERData
import Foundation
import Layers
import Training

// `--align`: the examples' data sets as MTCNN-aligned crops (FaceDetection's CachedFaceAligner).
extension ExperimentRunner {
    /// Where `--align` caches crops without `--align-cache`: beside the built-in data set
    /// ($LRN_CACHE/aligned-faces, else $XDG_CACHE_HOME/lrn/aligned-faces, else ~/.cache/lrn/aligned-faces).
    public static var alignedFacesFolder: String {
        (builtInDataFolder as NSString).deletingLastPathComponent + "/aligned-faces"
    }

    /// The report of an aligned run, in `--output`.
    public static let alignmentReportName = "alignment-report.csv"

    /// Loads the data set of `settings` and replaces its images by aligned crops of the
    /// photos' faces (made now, or taken from the cache); writes the report and prints the
    /// counts before training starts.
    static func loadAligned(_ settings: ExperimentSettings, root: String, _ options: DataOptions,
                            progress: ProgressDisplay) throws -> (train: AnyLabeledImageDataset, test: AnyLabeledImageDataset) {
        let photos: (train: ImageFileDataset, test: ImageFileDataset)
        let sources: (ImageFileDataset) throws -> [AlignmentSource]
        switch settings.dataset {
        case .imageFolder:
            photos = try ImageFolder.load(root: root)
            sources = PhotoSources.asListed
        case .rafDB:
            photos = try RAFDB.load(root: root, trainingLabelList: options.trainingLabelList)
            sources = PhotoSources.rafDBOriginals
        case .affectNet:
            photos = try AffectNet.load(root: root, classCount: options.affectNetClasses, cropToFace: true)
            sources = PhotoSources.annotatedBoxes
        case .ferPlus:
            throw TrainingError.invalidOption("--align: FERPlus ships 48×48 face crops (FER2013's), not photos; there is nothing to detect. Run without --align.")
        }
        let cache = AlignmentCache(folder: settings.alignCache ?? alignedFacesFolder)
        let aligner = try CachedFaceAligner(cache: cache, cropSize: settings.imageSize)
        let output = URL(fileURLWithPath: settings.output)
        let report = output.appendingPathComponent(alignmentReportName)
        progress.message("Aligning faces with MTCNN (\(photos.train.count + photos.test.count) photos; crops cached in \(cache.folder.path))…")
        let start = Date()
        var splits: [AlignedSplit] = []
        for (name, dataset) in [("train", photos.train), ("test", photos.test)] {
            var lastShown = 0.0  // the first line after 5 s: short passes print only their end
            splits.append(try AlignedSplit.align(name, original: dataset, sources: try sources(dataset), aligner: aligner) { state in
                guard state.elapsedSeconds - lastShown >= 5 || state.done == state.total else { return }
                lastShown = state.elapsedSeconds
                progress.message("  \(name) \(state.done)/\(state.total)  \(fixed(state.photosPerSecond, decimals: 1)) photos/s  ETA \(state.etaSeconds.map(formatDuration) ?? "--:--")  (\(state.fromCache) from the cache)")
            })
        }
        try RunPreflight.createOutputFolder(output)
        try writeAtomically(AlignedSplit.reportCSV(splits, classNames: photos.train.classNames), to: report)
        for split in splits { try split.requireFaces(reportPath: report.path) }
        let skipped = splits.reduce(0) { $0 + $1.skipped.count }
        progress.message(splits.map(\.summary).joined(separator: "\n") + "\n"
            + "\(aligner.detectorRuns) photo\(aligner.detectorRuns == 1 ? "" : "s") run through the detector in \(formatDuration(Date().timeIntervalSince(start)))"
            + (skipped > 0 ? "; \(skipped) skipped (no face), listed in \(report.path)" : "; report in \(report.path)"))
        return (splits[0].dataset.erased(), splits[1].dataset.erased())
    }
}

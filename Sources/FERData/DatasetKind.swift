/// The supported data sets by name, for command lines that pick one at run time.
public enum DatasetKind: String, CaseIterable, Sendable {
    case rafDB = "rafdb"
    case affectNet = "affectnet"
    case ferPlus = "ferplus"
    case imageFolder = "imagefolder"

    /// Options that only some data sets use; defaults follow the paper.
    public struct Options: Sendable {
        /// RAF-DB: an alternative training label list (a published noisy list).
        public var trainingLabelList: String?
        /// AffectNet: 7 or 8 classes.
        public var affectNetClassCount: Int
        /// AffectNet: crop each image to its face box.
        public var cropToFace: Bool
        /// FERPlus: the Usage values that form the test set.
        public var ferPlusTestUsages: Set<String>

        public init(trainingLabelList: String? = nil, affectNetClassCount: Int = 8, cropToFace: Bool = true,
                    ferPlusTestUsages: Set<String> = ["PrivateTest"]) {
            self.trainingLabelList = trainingLabelList
            self.affectNetClassCount = affectNetClassCount
            self.cropToFace = cropToFace
            self.ferPlusTestUsages = ferPlusTestUsages
        }
    }

    /// Reads the data set at `root` in its published layout.
    public func load(root: String, options: Options = Options())
        throws -> (train: AnyLabeledImageDataset, test: AnyLabeledImageDataset) {
        switch self {
        case .rafDB:
            let (train, test) = try RAFDB.load(root: root, trainingLabelList: options.trainingLabelList)
            return (train.erased(), test.erased())
        case .affectNet:
            let (train, test) = try AffectNet.load(root: root, classCount: options.affectNetClassCount,
                                                   cropToFace: options.cropToFace)
            return (train.erased(), test.erased())
        case .ferPlus:
            let (train, test) = try FERPlus.load(root: root, testUsages: options.ferPlusTestUsages)
            return (train.erased(), test.erased())
        case .imageFolder:
            let (train, test) = try ImageFolder.load(root: root)
            return (train.erased(), test.erased())
        }
    }

    /// Whether the paper trains this data set with class-balanced batches (AffectNet).
    public var usesClassBalancedSampling: Bool { self == .affectNet }
}

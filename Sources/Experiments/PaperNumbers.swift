import Training
/// The accuracies (%) the paper reports (Yan et al., "Mitigating label-noise for facial expression
/// recognition in the wild", Tables 1-3), so the table runners can print ours beside them.
public enum PaperNumbers {
    public enum Dataset: String, CaseIterable, Sendable {
        case rafdb = "RAF-DB", affectnet = "AffectNet", ferplus = "FERPlus"
    }

    /// Table 1: synthetic noise. [method: [noise%: [dataset: accuracy]]].
    public static let table1Methods = ["Baseline", "IPA2LT [22]", "SCN [14]", "SCE-ALD [23]", "Our Method"]
    public static let table1Noise = [10, 20, 30]
    public static let table1: [String: [Int: [Dataset: Double]]] = [
        "Baseline": [10: [.rafdb: 80.73, .affectnet: 57.23], 20: [.rafdb: 78.77, .affectnet: 56.52], 30: [.rafdb: 76.10, .affectnet: 55.61]],
        "IPA2LT [22]": [10: [.rafdb: 80.25, .affectnet: 57.42], 20: [.rafdb: 78.26, .affectnet: 56.60], 30: [.rafdb: 72.26, .affectnet: 54.29]],
        "SCN [14]": [10: [.rafdb: 82.18, .affectnet: 58.85], 20: [.rafdb: 80.10, .affectnet: 57.25], 30: [.rafdb: 77.46, .affectnet: 55.05]],
        "SCE-ALD [23]": [10: [.rafdb: 82.27, .affectnet: 58.97], 20: [.rafdb: 80.38, .affectnet: 57.60], 30: [.rafdb: 77.61, .affectnet: 55.54]],
        "Our Method": [10: [.rafdb: 85.45, .affectnet: 59.49], 20: [.rafdb: 83.41, .affectnet: 58.21], 30: [.rafdb: 81.84, .affectnet: 57.09]],
    ]

    /// Table 2: ablation on the clean data sets.
    public static let table2: [MethodName: [Dataset: Double]] = [
        .ce: [.rafdb: 86.48, .affectnet: 58.19],
        .ceCLD: [.rafdb: 87.64, .affectnet: 59.31],
        .hum: [.rafdb: 88.35, .affectnet: 60.59],
        .humCLD: [.rafdb: 88.91, .affectnet: 60.83],
    ]

    /// Table 3: state of the art on the clean data sets (nil: not reported).
    public static let table3Methods = ["DLP-CNN [1]", "gACNN [24]", "IPA2LT† [22]", "RAN [5]", "SCN [14]", "Lo et al. [25]",
                                       "EfficientFace [26]", "SCE-ALD [23]", "Our Method"]
    public static let table3: [String: [Dataset: Double]] = [
        "DLP-CNN [1]": [.rafdb: 80.89, .affectnet: 54.47],
        "gACNN [24]": [.rafdb: 85.07, .affectnet: 58.78],
        "IPA2LT† [22]": [.rafdb: 86.77, .affectnet: 55.71],
        "RAN [5]": [.rafdb: 86.90, .affectnet: 59.50, .ferplus: 88.55],
        "SCN [14]": [.rafdb: 87.03, .affectnet: 60.23, .ferplus: 89.35],
        "Lo et al. [25]": [.rafdb: 87.35, .ferplus: 87.45],
        "EfficientFace [26]": [.rafdb: 88.36, .affectnet: 59.89],
        "SCE-ALD [23]": [.rafdb: 87.19, .affectnet: 60.31, .ferplus: 88.59],
        "Our Method": [.rafdb: 88.91, .affectnet: 60.83, .ferplus: 89.53],
    ]
}

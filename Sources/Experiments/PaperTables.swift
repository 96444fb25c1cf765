import LRN
import Training
/// The paper's Tables 1-3 in the paper's layout, with rows for our runs beside its numbers.
/// Our accuracies are fractions (0.8184); missing runs print as "-".
public enum PaperTables {
    public typealias Dataset = PaperNumbers.Dataset

    /// Table 1: rows are methods, columns noise level × data set. `ours[method][noise][dataset]`.
    public static func table1(ours: [MethodName: [Int: [Dataset: Double]]], notes: [String] = []) -> ResultTable {
        var columns = ["Method"]
        for noise in PaperNumbers.table1Noise { for d in [Dataset.rafdb, .affectnet] { columns.append("\(d.rawValue) \(noise)%") } }
        var table = ResultTable(title: "Table 1. Accuracy (%) under synthetic label noise (paper's numbers, then ours)", columns: columns, notes: notes)
        for method in PaperNumbers.table1Methods {
            let values = PaperNumbers.table1[method]!
            table.addRow(["\(method) (paper)"] + PaperNumbers.table1Noise.flatMap { n in [Dataset.rafdb, .affectnet].map { d in values[n]?[d].map { fixed($0, decimals: 2) } ?? "-" } })
        }
        for method in [MethodName.ce, .humCLD] {
            let label = method == .ce ? "Baseline (ours)" : "LRN (ours)"
            table.addRow([label] + PaperNumbers.table1Noise.flatMap { n in [Dataset.rafdb, .affectnet].map { d in percentCell(ours[method]?[n]?[d]) } })
        }
        return table
    }

    /// Table 2: the ablation, one row per objective, the paper's and our accuracy per data set.
    public static func table2(ours: [MethodName: [Dataset: Double]], notes: [String] = []) -> ResultTable {
        let datasets: [Dataset] = [.rafdb, .affectnet]
        var table = ResultTable(title: "Table 2. Ablation study on different objectives (%)",
                                columns: ["Structure", "Loss"] + datasets.flatMap { ["\($0.rawValue) paper", "\($0.rawValue) ours"] }, notes: notes)
        for objective in Objective.allCases {
            let method = MethodName(objective: objective)
            let structure = objective.usesHUM ? "LRN" : "Baseline"
            let loss: String
            switch objective {
            case .crossEntropy: loss = "L_ce"
            case .crossEntropyWithCLD: loss = "L_ce + L_cld"
            case .hum: loss = "L_cls"
            case .humWithCLD: loss = "L_cls + L_cld"
            }
            table.addRow([structure, loss] + datasets.flatMap { d in
                [PaperNumbers.table2[method]![d].map { fixed($0, decimals: 2) } ?? "-", percentCell(ours[method]?[d])]
            })
        }
        return table
    }

    /// Table 3: the state of the art on the clean data sets, then our LRN.
    public static func table3(ours: [Dataset: Double], notes: [String] = []) -> ResultTable {
        var table = ResultTable(title: "Table 3. Performance comparison on RAF-DB, AffectNet and FERPlus (%)",
                                columns: ["Methods"] + Dataset.allCases.map(\.rawValue), notes: notes)
        for method in PaperNumbers.table3Methods {
            table.addRow([method] + Dataset.allCases.map { d in PaperNumbers.table3[method]![d].map { fixed($0, decimals: 2) } ?? "-" })
        }
        table.addRow(["LRN (ours, this implementation)"] + Dataset.allCases.map { percentCell(ours[$0]) })
        return table
    }
}

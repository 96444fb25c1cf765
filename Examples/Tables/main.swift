import ArgumentParser
import Foundation
import FERData
import Training

struct ExampleTables: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Example-Tables",
        abstract: "Run the paper's Tables 1-3 and print them in the paper's layout, the paper's numbers beside ours.",
        discussion: """
        Table 1: synthetic label noise 10/20/30 % on RAF-DB and AffectNet, baseline (CE) vs LRN.
        Table 2: the ablation CE / CE+CLD / HUM / HUM+CLD on the clean RAF-DB and AffectNet.
        Table 3: LRN on the clean RAF-DB, AffectNet and FERPlus.

        RAF-DB comes from --data (or the built-in synthetic data set when absent, with its quick \
        settings); AffectNet from --affectnet, FERPlus from --ferplus. Columns of data sets not \
        given print "-". --noise and --method are set by each table. Each cell is one training \
        run in <output>/<dataset>-noise<N>-<method>/; with --resume, finished cells are read back \
        from their checkpoints instead of being trained again. Tables are saved as CSV in --output.

        Examples:
          swift run -c release Example-Tables --table 1
          swift run -c release Example-Tables --data ~/RAF-DB/basic --affectnet ~/AffectNet --ferplus ~/FERPlus --resume
        """)

    @OptionGroup var options: ExperimentOptions

    @Option(help: "Which table: 1, 2, 3 or all.")
    var table: String = "all"

    @Option(help: ArgumentHelp("AffectNet's root folder (training.csv, validation.csv).", valueName: "path"))
    var affectnet: String?

    @Option(help: ArgumentHelp("FERPlus's root folder (fer2013.csv, fer2013new.csv).", valueName: "path"))
    var ferplus: String?

    mutating func validate() throws {
        guard ["1", "2", "3", "all"].contains(table) else { throw ValidationError("--table must be 1, 2, 3 or all; got \(table)") }
        if options.noise != nil || options.method != nil {
            throw ValidationError("--noise and --method are set by each table; leave them out (use Example-RAFDB for a single run)")
        }
    }

    mutating func run() throws {
        let output = options.output ?? (options.data == nil ? "runs/tables-built-in" : "runs/tables")
        var cells: [String: Double] = [:]
        let base = options
        let affectnet = self.affectnet, ferplus = self.ferplus

        /// Final test accuracy of one cell, trained once per process.
        func cell(_ dataset: PaperNumbers.Dataset, noise: Int, method: Method) throws -> Double? {
            let path: String?
            let kind: DatasetKind
            switch dataset {
            case .rafdb: path = base.data; kind = .rafDB
            case .affectnet: guard let p = affectnet else { return nil }; path = p; kind = .affectNet
            case .ferplus: guard let p = ferplus else { return nil }; path = p; kind = .ferPlus
            }
            let key = "\(dataset.rawValue.lowercased())-noise\(noise)-\(method.rawValue.replacingOccurrences(of: "+", with: "-"))"
            if let done = cells[key] { return done }
            var o = base
            o.data = path
            o.noise = Double(noise) / 100
            o.method = MethodChoice([method])
            o.output = output + "/" + key
            let settings = try ExperimentSettings.resolve(o, dataset: kind)
            let result = try ExperimentRunner.run(settings, build: ModelFactory.build)[method]!
            cells[key] = result.finalTestAccuracy
            return result.finalTestAccuracy
        }

        let builtInNote = base.data == nil
            ? ["RAF-DB columns ran on the built-in synthetic data set with its quick settings, not on RAF-DB: compare the gaps, not the levels."] : []
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        var printed: [ResultTable] = []
        if table == "1" || table == "all" {
            var ours: [Method: [Int: [PaperNumbers.Dataset: Double]]] = [:]
            for noise in PaperNumbers.table1Noise {
                for dataset in [PaperNumbers.Dataset.rafdb, .affectnet] {
                    for method in [Method.ce, .humCLD] {
                        if let acc = try cell(dataset, noise: noise, method: method) { ours[method, default: [:]][noise, default: [:]][dataset] = acc }
                    }
                }
            }
            printed.append(PaperTables.table1(ours: ours, notes: builtInNote))
        }
        if table == "2" || table == "all" {
            var ours: [Method: [PaperNumbers.Dataset: Double]] = [:]
            for dataset in [PaperNumbers.Dataset.rafdb, .affectnet] {
                for method in Method.allCases {
                    if let acc = try cell(dataset, noise: 0, method: method) { ours[method, default: [:]][dataset] = acc }
                }
            }
            printed.append(PaperTables.table2(ours: ours, notes: builtInNote))
        }
        if table == "3" || table == "all" {
            var ours: [PaperNumbers.Dataset: Double] = [:]
            for dataset in PaperNumbers.Dataset.allCases {
                if let acc = try cell(dataset, noise: 0, method: .humCLD) { ours[dataset] = acc }
            }
            printed.append(PaperTables.table3(ours: ours, notes: builtInNote))
        }
        for (i, t) in printed.enumerated() {
            let number = t.title.split(separator: ".").first.map { $0.replacingOccurrences(of: "Table ", with: "") } ?? "\(i + 1)"
            let url = URL(fileURLWithPath: output).appendingPathComponent("table\(number).csv")
            try writeAtomically(t.csv(), to: url)
            print("\n" + t.formatted() + "\n(saved as \(url.path))")
        }
    }
}

ExampleTables.main()

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
        run in <output>/<dataset>-noise<N>-<method>/. Every data set, flag and cell folder is \
        checked before the first cell trains; a cell folder holding an earlier run is refused unless \
        --resume or --overwrite is given. With --resume, started cells continue from their \
        checkpoints (finished ones are read back, not trained again) and cells without one train \
        from epoch 1; at least one cell must have a checkpoint. Tables are saved as CSV in --output.

        Examples:
          swift run -c release Example-Tables --table 1
          swift run -c release Example-Tables --data ~/RAF-DB/basic --affectnet ~/AffectNet --ferplus ~/FERPlus
          (after a kill, or to read the tables again: the same command plus --resume)
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

    /// One training run of a table: a data set, a noise level, an objective.
    struct Cell: Hashable {
        var dataset: PaperNumbers.Dataset
        var noise: Int
        var method: Method
        var key: String { "\(dataset.rawValue.lowercased())-noise\(noise)-\(method.rawValue.replacingOccurrences(of: "+", with: "-"))" }
    }

    /// The cells each table needs, in the order they train (a cell shared by two tables trains once).
    func cells(of table: String) -> [Cell] {
        switch table {
        case "1":
            return PaperNumbers.table1Noise.flatMap { noise in
                [PaperNumbers.Dataset.rafdb, .affectnet].flatMap { d in [Method.ce, .humCLD].map { Cell(dataset: d, noise: noise, method: $0) } }
            }
        case "2":
            return [PaperNumbers.Dataset.rafdb, .affectnet].flatMap { d in Method.allCases.map { Cell(dataset: d, noise: 0, method: $0) } }
        default:
            return PaperNumbers.Dataset.allCases.map { Cell(dataset: $0, noise: 0, method: .humCLD) }
        }
    }

    mutating func run() throws {
        let output = options.output ?? (options.data == nil ? "runs/tables-built-in" : "runs/tables")
        let tables = table == "all" ? ["1", "2", "3"] : [table]
        let base = options
        let paths: [PaperNumbers.Dataset: (path: String?, kind: DatasetKind)] = [
            .rafdb: (base.data, .rafDB),
            .affectnet: (affectnet, .affectNet),
            .ferplus: (ferplus, .ferPlus),
        ]
        // Columns of data sets not given print "-".
        var planned: [Cell] = []
        for t in tables {
            for c in cells(of: t) where !planned.contains(c) && (c.dataset == .rafdb || paths[c.dataset]!.path != nil) { planned.append(c) }
        }

        // Everything that can be checked before the first cell trains: the flags, the output
        // folders and the runs in them, and every data set (read once, reused by its cells).
        if let threads = base.threads { setKernelThreads(threads) }
        try RunPreflight.checkOutputFolder(output)
        if !base.resume && !base.overwrite {
            for t in tables where FileManager.default.fileExists(atPath: output + "/table\(t).csv") {
                throw TrainingError.existingRun(folder: output, file: "table\(t).csv")
            }
        }
        func checkpoint(_ cell: Cell) -> URL {
            RunPreflight.checkpointURL(in: URL(fileURLWithPath: output + "/" + cell.key + "/" + cell.method.rawValue.replacingOccurrences(of: "+", with: "-")))
        }
        let started = Set(planned.filter { FileManager.default.fileExists(atPath: checkpoint($0).path) })
        if base.resume && started.isEmpty {
            throw TrainingError.nothingToResume(folder: output, expected: "<cell>/<method>/checkpoint.safetensors for any of \(planned.count) cells")
        }
        var prepared: [(cell: Cell, settings: ExperimentSettings, resuming: Set<Method>)] = []
        var data: [PaperNumbers.Dataset: ExperimentRunner.LoadedData] = [:]
        let progress = ProgressDisplay()
        for cell in planned {
            var o = base
            o.data = paths[cell.dataset]!.path
            o.noise = Double(cell.noise) / 100
            o.method = MethodChoice([cell.method])
            o.output = output + "/" + cell.key
            // With --resume, cells that never started train from epoch 1.
            o.resume = base.resume && started.contains(cell)
            if base.resume && !o.resume { print("--resume: cell \(cell.key) has no checkpoint yet; it will train from epoch 1.") }
            let settings = try ExperimentSettings.resolve(o, dataset: paths[cell.dataset]!.kind)
            let resuming = try RunPreflight.checkRunFolders(settings)
            if data[cell.dataset] == nil {
                data[cell.dataset] = try ExperimentRunner.loadData(settings, .init(), progress: progress)
            }
            prepared.append((cell, settings, resuming))
        }

        var accuracy: [Cell: Double] = [:]
        for (cell, settings, resuming) in prepared {
            progress.message("\n=== Cell \(cell.key)\nSettings\n" + settings.summary)
            let results = try ExperimentRunner.run(settings, loaded: data[cell.dataset]!, resuming: resuming, progress: progress,
                                                   build: ModelFactory.build)
            accuracy[cell] = results[cell.method]!.finalTestAccuracy
        }

        let builtInNote = base.data == nil
            ? ["RAF-DB columns ran on the built-in synthetic data set with its quick settings, not on RAF-DB: compare the gaps, not the levels."] : []
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        var printed: [(number: String, table: ResultTable)] = []
        for t in tables {
            switch t {
            case "1":
                var ours: [Method: [Int: [PaperNumbers.Dataset: Double]]] = [:]
                for c in cells(of: "1") { if let acc = accuracy[c] { ours[c.method, default: [:]][c.noise, default: [:]][c.dataset] = acc } }
                printed.append((t, PaperTables.table1(ours: ours, notes: builtInNote)))
            case "2":
                var ours: [Method: [PaperNumbers.Dataset: Double]] = [:]
                for c in cells(of: "2") { if let acc = accuracy[c] { ours[c.method, default: [:]][c.dataset] = acc } }
                printed.append((t, PaperTables.table2(ours: ours, notes: builtInNote)))
            default:
                var ours: [PaperNumbers.Dataset: Double] = [:]
                for c in cells(of: "3") { if let acc = accuracy[c] { ours[c.dataset] = acc } }
                printed.append((t, PaperTables.table3(ours: ours, notes: builtInNote)))
            }
        }
        for (number, t) in printed {
            let url = URL(fileURLWithPath: output).appendingPathComponent("table\(number).csv")
            try writeAtomically(t.csv(), to: url)
            print("\n" + t.formatted() + "\n(saved as \(url.path))")
        }
    }
}

ExampleTables.main()

import Autodiff
import Distributed
import FERData
import Foundation
import Layers
import Training

/// What Example-Tables runs: the cells (data set × noise × objective) of the paper's Tables 1-3,
/// each one training run in `<output>/<cell>/`, then the tables, saved as CSV. Every flag, data
/// set and cell folder is checked before the first cell trains.
public struct PaperTableRun {
    /// One training run of a table: a data set, a noise level, an objective.
    public struct Cell: Hashable, Sendable {
        public var dataset: PaperNumbers.Dataset
        public var noise: Int
        public var method: MethodName
        public var key: String { "\(dataset.rawValue.lowercased())-noise\(noise)-\(method.rawValue.replacingOccurrences(of: "+", with: "-"))" }
    }

    public var options: ExperimentOptions
    /// "1", "2", "3" in the order to print.
    public var tables: [String]
    public var affectNet: String?
    public var ferPlus: String?

    public init(options: ExperimentOptions, tables: [String], affectNet: String?, ferPlus: String?) {
        self.options = options
        self.tables = tables
        self.affectNet = affectNet
        self.ferPlus = ferPlus
    }

    public var output: String { options.output ?? (options.data == nil ? "runs/tables-built-in" : "runs/tables") }

    /// The cells a table needs, in the order they train.
    public static func cells(of table: String) -> [Cell] {
        switch table {
        case "1":
            return PaperNumbers.table1Noise.flatMap { noise in
                [PaperNumbers.Dataset.rafdb, .affectnet].flatMap { d in [MethodName.ce, .humCLD].map { Cell(dataset: d, noise: noise, method: $0) } }
            }
        case "2":
            return [PaperNumbers.Dataset.rafdb, .affectnet].flatMap { d in MethodName.paper.map { Cell(dataset: d, noise: 0, method: $0) } }
        default:
            return PaperNumbers.Dataset.allCases.map { Cell(dataset: $0, noise: 0, method: .humCLD) }
        }
    }

    private var sources: [PaperNumbers.Dataset: (path: String?, kind: DatasetKind)] {
        [.rafdb: (options.data, .rafDB), .affectnet: (affectNet, .affectNet), .ferplus: (ferPlus, .ferPlus)]
    }

    /// The cells to train, without repeats; columns of data sets not given are left out (print "-").
    public var plannedCells: [Cell] {
        var planned: [Cell] = []
        for t in tables {
            for c in Self.cells(of: t) where !planned.contains(c) && (c.dataset == .rafdb || sources[c.dataset]!.path != nil) { planned.append(c) }
        }
        return planned
    }

    /// Trains every cell and returns each table with the CSV file it was saved as.
    public func run<Model: TrainableModel>(progress: ProgressDisplay = ProgressDisplay(),
                                           build: @escaping ModelBuilder<Model>) throws -> [(url: URL, table: ResultTable)] {
        // Under an MPI launcher: every cell data-parallel, rank 0 alone printing and writing (Documentation/Distributed.md).
        let group = try DistributedLaunch.processGroup()
        guard group.size > 1 else { return try run(progress: progress, build: build, group: group) }
        do {
            return try run(progress: group.isPrimary ? progress : ProgressDisplay(style: .silent), build: build, group: group)
        } catch {
            group.abort(message: "Error on rank \(group.rank) of \(group.size): \(error)", code: 1)
        }
    }

    private func run<Model: TrainableModel>(progress: ProgressDisplay, build: @escaping ModelBuilder<Model>,
                                            group: any ProcessGroup) throws -> [(url: URL, table: ResultTable)] {
        let planned = plannedCells
        // Everything that can be checked before the first cell trains: the flags, the output
        // folders and the runs in them, and every data set (read once, reused by its cells).
        configureKernels(threads: options.threads)
        try RunPreflight.checkOutputFolder(output)
        if !options.resume && !options.overwrite {
            for t in tables where FileManager.default.fileExists(atPath: output + "/table\(t).csv") {
                throw TrainingError.existingRun(folder: output, file: "table\(t).csv")
            }
        }
        func folder(_ cell: Cell) -> String { output + "/" + cell.key }
        let started = Set(planned.filter { cell in
            let runFolder = URL(fileURLWithPath: folder(cell)).appendingPathComponent(cell.method.rawValue.replacingOccurrences(of: "+", with: "-"))
            return FileManager.default.fileExists(atPath: RunPreflight.checkpointURL(in: runFolder).path)
        })
        if options.resume && started.isEmpty {
            throw TrainingError.nothingToResume(folder: output, expected: "<cell>/<method>/checkpoint.safetensors for any of \(planned.count) cells")
        }
        // Rank 0 prepares (and generates the built-in data) first; the others then read it.
        if !group.isPrimary { try group.barrier() }
        var prepared: [(cell: Cell, settings: ExperimentSettings, resuming: Set<MethodName>)] = []
        var data: [PaperNumbers.Dataset: ExperimentRunner.LoadedData] = [:]
        for cell in planned {
            var o = options
            o.data = sources[cell.dataset]!.path
            o.noise = Double(cell.noise) / 100
            o.method = MethodChoice([cell.method])
            o.output = folder(cell)
            // With --resume, cells that never started train from epoch 1.
            o.resume = options.resume && started.contains(cell)
            if options.resume && !o.resume { progress.message("--resume: cell \(cell.key) has no checkpoint yet; it will train from epoch 1.") }
            let settings = try ExperimentSettings.resolve(o, dataset: sources[cell.dataset]!.kind)
            let resuming = try RunPreflight.checkRunFolders(settings)
            if data[cell.dataset] == nil {
                data[cell.dataset] = try ExperimentRunner.loadData(settings, .init(), progress: progress)
            }
            prepared.append((cell, settings, resuming))
        }

        if group.isPrimary { try group.barrier() }
        var accuracy: [Cell: Double] = [:]
        for (cell, settings, resuming) in prepared {
            progress.message("\n=== Cell \(cell.key)\nSettings\n" + settings.summary)
            let results = try ExperimentRunner.run(settings, loaded: data[cell.dataset]!, resuming: resuming, progress: progress,
                                                   build: build, processGroup: group)
            accuracy[cell] = results[cell.method]!.finalTestAccuracy
        }
        return group.isPrimary ? try writeTables(accuracy) : []
    }

    private func writeTables(_ accuracy: [Cell: Double]) throws -> [(url: URL, table: ResultTable)] {
        let notes = options.data == nil
            ? ["RAF-DB columns ran on the built-in synthetic data set with its quick settings, not on RAF-DB: compare the gaps, not the levels."] : []
        try RunPreflight.createOutputFolder(URL(fileURLWithPath: output))
        var written: [(url: URL, table: ResultTable)] = []
        for t in tables {
            let table: ResultTable
            switch t {
            case "1":
                var ours: [MethodName: [Int: [PaperNumbers.Dataset: Double]]] = [:]
                for c in Self.cells(of: "1") { if let acc = accuracy[c] { ours[c.method, default: [:]][c.noise, default: [:]][c.dataset] = acc } }
                table = PaperTables.table1(ours: ours, notes: notes)
            case "2":
                var ours: [MethodName: [PaperNumbers.Dataset: Double]] = [:]
                for c in Self.cells(of: "2") { if let acc = accuracy[c] { ours[c.method, default: [:]][c.dataset] = acc } }
                table = PaperTables.table2(ours: ours, notes: notes)
            default:
                var ours: [PaperNumbers.Dataset: Double] = [:]
                for c in Self.cells(of: "3") { if let acc = accuracy[c] { ours[c.dataset] = acc } }
                table = PaperTables.table3(ours: ours, notes: notes)
            }
            let url = URL(fileURLWithPath: output).appendingPathComponent("table\(t).csv")
            try writeAtomically(table.csv(), to: url)
            written.append((url, table))
        }
        return written
    }
}

import Foundation
#if FUZZING
import CLibFuzzer
#endif

/// The entry point shared by the Fuzz-* executables. Built by Scripts/fuzz.sh (with -D FUZZING and
/// -sanitize=fuzzer) it hands the command line to libFuzzer; built by a plain `swift build` it
/// runs the harness once on each file or folder of files named on the command line (to replay
/// a crash input without the fuzzer).
public enum FuzzMain {
    /// A harness: returns normally for any input it can be given; traps on a bug.
    public typealias Harness = ([UInt8]) -> Void

    nonisolated(unsafe) static var harness: Harness = { _ in }

    public static func run(_ harness: @escaping Harness) -> Never {
        self.harness = harness
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzMain.harness(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        })
        #else
        let paths = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("-") }
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: \(CommandLine.arguments[0]) FILE-OR-FOLDER...\n(built without -D FUZZING: replays inputs; Scripts/fuzz.sh builds the fuzzer)\n".utf8))
            exit(2)
        }
        var count = 0
        for path in paths {
            for file in inputFiles(path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
                    exit(1)
                }
                harness([UInt8](data))
                count += 1
            }
        }
        print("replayed \(count) inputs, no crash")
        exit(0)
        #endif
    }

    /// The file itself, or the regular files of a folder in name order.
    public static func inputFiles(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.map { (path as NSString).appendingPathComponent($0) }
    }
}

import Foundation

/// One run of an example executable: its exit status and everything it printed.
public struct ExampleRun {
    public let status: Int32
    public let output: String
    public let errors: String
}

/// An example that is not built beside the test bundle.
public struct ExampleNotBuilt: Error, CustomStringConvertible {
    public let name: String
    public let searched: [String]
    public var description: String {
        "\(name) is not built next to the tests (looked in \(searched.joined(separator: ", "))); run swift build --build-tests"
    }
}

/// Runs the example executable `name` (e.g. "Example-Faces") that `swift build --build-tests`
/// put beside the test bundle, and waits for it. Standard output and standard error are read at
/// the same time, so a child that fills one pipe while the other is being read cannot hang.
public func runExample(_ name: String, _ arguments: [String]) throws -> ExampleRun {
    // The bundle is .build/<config>/<Package>PackageTests.xctest (a file on Linux, a folder
    // whose binary sits deeper on macOS): the examples are beside it or one level up.
    let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [buildFolder.appendingPathComponent(name), buildFolder.deletingLastPathComponent().appendingPathComponent(name)]
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw ExampleNotBuilt(name: name, searched: candidates.map { $0.deletingLastPathComponent().path })
    }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let errors = PipeReader(err.fileHandleForReading)
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return ExampleRun(status: process.terminationStatus, output: output, errors: errors.text())
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

import Foundation

/// The errors of work spread over threads, each kept with the index of the item that failed, so
/// that the one reported is the first in item order whatever the thread timing (the same file
/// on every run), and the number of failed items can be said beside it.
final class ParallelErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Int: Error] = [:]

    func record(_ error: Error, at index: Int) {
        lock.lock(); defer { lock.unlock() }
        errors[index] = error
    }

    /// The error of the lowest index, nil when nothing failed.
    var first: Error? {
        lock.lock(); defer { lock.unlock() }
        return errors.keys.min().map { errors[$0]! }
    }

    /// How many items failed.
    var count: Int {
        lock.lock(); defer { lock.unlock() }
        return errors.count
    }
}

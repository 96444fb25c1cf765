import Distributed
import XCTest

final class DistributedLaunchTests: XCTestCase {
    /// Only a launcher's process count above 1 means MPI; a plain run makes no MPI call.
    func testLauncherSizeFromTheEnvironment() {
        XCTAssertEqual(DistributedLaunch.launchedSize([:]), 1)
        XCTAssertEqual(DistributedLaunch.launchedSize(["OMPI_COMM_WORLD_SIZE": "4"]), 4)
        XCTAssertEqual(DistributedLaunch.launchedSize(["PMI_SIZE": "3"]), 3)
        XCTAssertEqual(DistributedLaunch.launchedSize(["OMPI_COMM_WORLD_SIZE": "not a number"]), 1)
    }

    /// Cores shared among the processes on one machine, unless OMP_NUM_THREADS already says.
    func testThreadsPerProcessShareTheMachine() {
        let two = ["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"]
        XCTAssertEqual(DistributedLaunch.defaultThreadsPerProcess(two, cores: 16), 8)
        XCTAssertEqual(DistributedLaunch.defaultThreadsPerProcess(two, cores: 1), 1)
        XCTAssertNil(DistributedLaunch.defaultThreadsPerProcess(two.merging(["OMP_NUM_THREADS": "3"]) { $1 }, cores: 16))
        XCTAssertNil(DistributedLaunch.defaultThreadsPerProcess([:], cores: 16))
    }
}

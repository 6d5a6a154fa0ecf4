import Foundation
import XCTest

@testable import JupyterKernel

final class KernelspecTests: XCTestCase {
    let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testTemplateInTheRepositoryMatchesWhatIsInstalled() throws {
        let template = try Data(contentsOf: sourceTree.appendingPathComponent("Kernelspec/latent/kernel.json"))
        XCTAssertEqual(try JSONValue.decode(Array(template)), KernelspecInstaller.kernelJSON(executable: "latent"))
    }

    func testInstallsWithAbsolutePathAndLogosThenUninstalls() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("latent-spec-\(UUID().uuidString)")
        let installer = KernelspecInstaller(environment: [:])
        let directory = try installer.install(
            to: .prefix(prefix.path), executable: "/opt/latent/bin/latent",
            logos: sourceTree.appendingPathComponent("Kernelspec/latent"))
        XCTAssertEqual(directory.path, prefix.path + "/share/jupyter/kernels/latent")
        let spec = try JSONValue.decode(Array(try Data(contentsOf: directory.appendingPathComponent("kernel.json"))))
        XCTAssertEqual(spec["argv"], ["/opt/latent/bin/latent", "kernel", "--connection-file", "{connection_file}"])
        XCTAssertEqual(spec["interrupt_mode"], "message")
        XCTAssertEqual(spec["metadata"]?["supported_encryption"], ["curve"])
        for logo in KernelspecInstaller.logoFiles {
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent(logo).path), logo)
        }
        XCTAssertEqual(try installer.uninstall(from: .prefix(prefix.path))?.path, directory.path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path))
        XCTAssertNil(try installer.uninstall(from: .prefix(prefix.path)))
    }

    func testRefusesToRemoveSomeoneElsesKernelspec() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("latent-spec-\(UUID().uuidString)")
        let directory = prefix.appendingPathComponent("share/jupyter/kernels/latent")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(#"{"language":"python"}"#.utf8).write(to: directory.appendingPathComponent("kernel.json"))
        XCTAssertThrowsError(try KernelspecInstaller(environment: [:]).uninstall(from: .prefix(prefix.path)))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.path))
    }

    func testDestinations() throws {
        let env = ["HOME": "/home/u", "VIRTUAL_ENV": "/venv"]
        let installer = KernelspecInstaller(environment: env)
        XCTAssertEqual(try installer.kernelDirectory(.user).path, "/home/u/.local/share/jupyter/kernels/latent")
        XCTAssertEqual(try installer.kernelDirectory(.sysPrefix).path, "/venv/share/jupyter/kernels/latent")
        XCTAssertEqual(
            try KernelspecInstaller(environment: ["JUPYTER_DATA_DIR": "/j"]).kernelDirectory(.user).path,
            "/j/kernels/latent")
    }

    func testLogosArePNGsOfTheRightSize() throws {
        for size in [32, 64] {
            let data = try Data(
                contentsOf: sourceTree.appendingPathComponent("Kernelspec/latent/logo-\(size)x\(size).png"))
            let bytes = Array(data)
            XCTAssertEqual(Array(bytes[0..<8]), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
            let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
            XCTAssertEqual([width, height], [size, size])
        }
    }
}

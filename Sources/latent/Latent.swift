import ArgumentParser
import JupyterKernel
import Session

@main
struct Latent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "A Jupyter kernel that teaches autoencoders.",
        version: LatentVersion.string,
        subcommands: [KernelCommand.self, InstallCommand.self, RunCommand.self])
}

struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel", abstract: "Run as a Jupyter kernel (started by Jupyter, not by hand).")

    @Option(name: .customLong("connection-file"), help: "The connection file Jupyter writes.")
    var connectionFile: String?

    @Argument(help: "The connection file, when given as the only argument.")
    var positionalConnectionFile: String?

    func run() throws {
        throw ValidationError("the kernel is not built yet")
    }
}

struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install", abstract: "Install the Latent kernelspec into a Jupyter.")

    func run() throws {
        throw ValidationError("install is not built yet")
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a .latent script from the terminal.")

    @Argument(help: "The script to run.")
    var file: String

    @Option(help: "Folder to write pictures into.")
    var out: String?

    func run() throws {
        guard let source = ScriptRunner.readScript(file) else {
            throw ValidationError("cannot read the script \"\(file)\"")
        }
        let status = ScriptRunner.run(source, session: LessonSession(), sink: TerminalSink(pictureDirectory: out))
        if status != 0 { throw ExitCode(status) }
    }
}

import ArgumentParser
import Foundation
import JupyterKernel
import Session

@main
struct Latent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "A Jupyter kernel that teaches autoencoders.",
        version: LatentVersion.string,
        subcommands: [KernelCommand.self, InstallCommand.self, RunCommand.self, ReferenceCommand.self])
}

struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel", abstract: "Run as a Jupyter kernel (started by Jupyter, not by hand).")

    @Option(name: .customLong("connection-file"), help: "The connection file Jupyter writes.")
    var connectionFile: String?

    @Argument(help: "The connection file, when given as the only argument.")
    var positionalConnectionFile: String?

    func validate() throws {
        if connectionFile == nil && positionalConnectionFile == nil {
            throw ValidationError("give the connection file: latent kernel --connection-file FILE")
        }
        if connectionFile != nil && positionalConnectionFile != nil {
            throw ValidationError("give the connection file once, either with --connection-file or alone")
        }
    }

    func run() throws {
        let path = connectionFile ?? positionalConnectionFile ?? ""
        let connection: ConnectionInfo
        do {
            connection = try ConnectionInfo.load(path: path)
        } catch {
            throw ValidationError(error.description)
        }
        let executable = KernelspecInstaller.currentExecutable()
        let session = makeKernelInterpreter(connectionFile: path)
        let server = KernelServer(
            connection: connection, interpreter: session,
            history: HistoryStore(file: HistoryStore.defaultFile()),
            identity: KernelIdentity.standard(executable: executable))
        _ = try server.run()
        // What autosave was still writing reaches the disk before the process ends.
        session.finishAutosave()
    }
}

struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the Latent kernelspec into a Jupyter.",
        discussion: """
            With no option it goes to the user's Jupyter data directory (as --user). --sys-prefix uses \
            $VIRTUAL_ENV when a virtual environment is active, else the sys.prefix of the python3 on PATH.
            """)

    @Flag(help: "Install for this user ($JUPYTER_DATA_DIR or ~/.local/share/jupyter). The default.")
    var user = false

    @Flag(help: "Install into the current Python environment's share/jupyter.")
    var sysPrefix = false

    @Option(help: "Install into PREFIX/share/jupyter.")
    var prefix: String?

    @Flag(help: "Remove the kernelspec instead.")
    var uninstall = false

    func validate() throws {
        if [user, sysPrefix, prefix != nil].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --user, --sys-prefix and --prefix")
        }
    }

    func run() throws {
        let destination: KernelspecInstaller.Destination =
            sysPrefix ? .sysPrefix : prefix.map { .prefix(absolute($0)) } ?? .user
        let installer = KernelspecInstaller()
        do {
            if uninstall {
                if let removed = try installer.uninstall(from: destination) {
                    print("Removed the Latent kernelspec from \(removed.path)")
                } else {
                    print("No Latent kernelspec at \(try installer.kernelDirectory(destination).path)")
                }
            } else {
                let executable = KernelspecInstaller.currentExecutable()
                let logos = installer.findLogos(executable: executable)
                let directory = try installer.install(to: destination, executable: executable, logos: logos)
                print("Installed the Latent kernelspec in \(directory.path)")
                if logos == nil {
                    print("(no logos found: set LATENT_KERNELSPEC_DIR to the source's Kernelspec/latent)")
                }
            }
        } catch {
            throw ValidationError(error.description)
        }
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
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

struct ReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference",
        abstract: "Print the language reference (Markdown), each statement's section made from its grammar and help.")

    @Option(help: "A copy of docs/language.md to fill in, instead of the one built in.")
    var frame: String?

    func run() throws {
        var text: String?
        if let frame {
            guard let read = try? String(contentsOfFile: frame, encoding: .utf8) else {
                throw ValidationError("cannot read \"\(frame)\"")
            }
            text = read
        }
        print(LessonSession.languageReference(frame: text), terminator: "")
    }
}

import Foundation

/// A kernel whose launcher died (a console killed, a server crashed) would otherwise live on
/// unseen. Once a second the parent process id is checked: when the kernel has been reparented,
/// it exits, as ipykernel's parent poller does.
enum ParentWatcher {
    static func start() {
        let parent = getppid()
        // Started by init or a container's PID 1 on purpose: nothing to watch.
        guard parent > 1 else { return }
        let thread = Thread {
            while true {
                sleep(1)
                if getppid() != parent {
                    KernelLog.write("the process that started the kernel (pid \(parent)) is gone; exiting")
                    _exit(0)
                }
            }
        }
        thread.name = "latent-parent"
        thread.start()
    }
}

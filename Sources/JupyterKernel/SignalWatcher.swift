import Foundation
import Session

/// The write end of the self-pipe, read by the async-signal handler (nothing else touches it
/// after `start`).
nonisolated(unsafe) private var interruptPipeWriteEnd: Int32 = -1

/// SIGINT interrupts the running cell, never the kernel. The handler only writes one byte to a
/// pipe (async-signal-safe, whichever thread the signal lands on, libzmq's and Foundation's
/// included); a watcher thread reads it and raises the interruption flag.
enum SignalWatcher {
    static func start(raising flag: InterruptFlag) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            KernelLog.write("cannot create the SIGINT pipe; SIGINT will be ignored")
            signal(SIGINT, SIG_IGN)
            return
        }
        interruptPipeWriteEnd = ends[1]
        var action = sigaction()
        #if os(Linux)
            action.__sigaction_handler.sa_handler = { _ in
                var byte: UInt8 = 1
                _ = write(interruptPipeWriteEnd, &byte, 1)
            }
        #else
            action.__sigaction_u.__sa_handler = { _ in
                var byte: UInt8 = 1
                _ = write(interruptPipeWriteEnd, &byte, 1)
            }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)

        let readEnd = ends[0]
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 {
                    flag.raise()
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        thread.name = "latent-signals"
        thread.start()
    }
}

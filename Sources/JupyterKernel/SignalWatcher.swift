import Foundation
import Session

/// SIGINT interrupts the running cell, never the kernel: the signal is blocked in every thread
/// and taken synchronously by one thread with `sigwait`, which raises the interruption flag
/// (no work inside an async signal handler, where locks are unsafe).
enum SignalWatcher {
    static func blockInterrupts() {
        var set = interruptSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    static func start(raising flag: InterruptFlag) {
        let thread = Thread {
            var set = interruptSet()
            var signal: Int32 = 0
            while true {
                if sigwait(&set, &signal) == 0 && signal == SIGINT {
                    flag.raise()
                }
            }
        }
        thread.name = "latent-signals"
        thread.start()
    }

    private static func interruptSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        return set
    }
}

import Foundation
import Session

/// The interpreter `latent kernel` drives: one lesson session per kernel process, with relative
/// paths starting from the folder Jupyter started the kernel in (the notebook's), autosaving
/// into the user's data folder under the notebook's name (or the connection file's).
func makeKernelInterpreter(connectionFile: String) -> LessonSession {
    LessonSession(
        autosave: AutosaveLocation.forKernel(
            connectionFile: connectionFile, environment: ProcessInfo.processInfo.environment))
}

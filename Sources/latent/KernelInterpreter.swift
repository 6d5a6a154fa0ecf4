import Session

/// The interpreter `latent kernel` drives: one lesson session per kernel process, with relative
/// paths starting from the folder Jupyter started the kernel in (the notebook's).
func makeKernelInterpreter() throws -> Interpreter {
    LessonSession()
}

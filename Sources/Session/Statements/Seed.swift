import Language

/// `seed N`: makes shuffling, dropout, noise and new weights repeatable.
struct Seed: SessionStatement {
    static let keyword = "seed"
    static let value = Slot.integer("N", "the seed", minimum: 0)
    static let grammar = Grammar(parts: [value])
    static let help = StatementHelp(
        .training,
        """
        makes shuffling, dropout, noise and new initial weights repeatable: the same seed gives
        the same numbers on the same machine. N is a whole number, 0 or more; it is 0 at the start.
        """)

    let value: Located<Int>

    static func parse(_ line: inout StatementReader) throws -> Seed { Seed(value: try line.read(value)) }

    func run(_ context: StatementContext) throws -> MimeBundle? {
        context.seed = UInt64(value.value)
        context.say("seed \(value.value): shuffling, dropout, noise and new weights are now repeatable")
        return nil
    }
}

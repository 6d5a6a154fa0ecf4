import Language
import Neural

/// `live [on|off]`: whether `train` draws its pictures as it trains; alone, which it does.
struct Live: SessionStatement {
    static let keyword = "live"
    static let state = Switch.slot
    static let grammar = Grammar(parts: [state.optional])
    static let help = StatementHelp(
        .training,
        """
        whether `train` draws as it trains. On (the start), the one output of `train`, updated in
        place at most 4 times a second, holds the progress line and under it: the loss chart
        growing as the model learns (each batch's train loss, smoothed, and the test loss after each
        epoch), 8 fixed test digits above what the model makes of them now (looked at a few times an
        epoch), and for a model with a 2-D code, the codes of 500 test digits coloured by their label.
        Its last picture stays in the saved notebook. `live off` keeps the progress bar and its line
        alone. A terminal (`latent run`, `jupyter console`) shows the line only. The setting lasts
        until the kernel stops.
        """,
        examples: ["live", "live off", "live on"])

    let state: Located<Switch>?

    static func parse(_ line: inout StatementReader) throws -> Live {
        Live(state: line.atEnd ? nil : try line.read(state))
    }

    func run(_ context: StatementContext) throws -> MimeBundle? {
        if let state { context.liveTraining = state.value == .on }
        context.say(
            context.liveTraining
                ? "live is on: train draws its loss chart, digits and code map as it trains"
                : "live is off: train shows its progress bar only")
        return nil
    }
}

extension StatementContext {
    /// The display `train` updates as it trains: live pictures unless `live off` or a sink that
    /// shows text only.
    func trainingDisplay(
        _ entry: ModelEntry, network: Autoencoder, data: DataValue, dataName: String, loss: LossKind
    ) -> ProgressDisplay {
        let pictures =
            liveTraining && output.showsLivePictures
            ? LiveTrainingPictures(network: network, data: data, name: "\(entry.name)", loss: loss) : nil
        return ProgressDisplay(
            output: output, id: nextDisplayID("train"), title: "training \(entry.name) on \(dataName)",
            pictures: pictures)
    }
}

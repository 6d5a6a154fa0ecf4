import Language
import Neural

/// The language's words turned into the engine's: layer lines (LayerTable.swift), losses and
/// optimizers.
enum SpecConversion {
    static func loss(_ l: LossName) -> LossKind {
        switch l {
        case .mse: return .mse
        case .l1, .mae: return .l1
        case .bce: return .bce
        }
    }

    static func optimizer(_ o: OptimizerName) -> OptimizerKind {
        switch o {
        case .adam: return .adam()
        case .sgd: return .sgd()
        case .rmsprop: return .rmsprop()
        }
    }
}

// The words a model is made of (Activation, Padding, PoolKind, Initializer) are Terms'; every
// user of the engine sees them as the engine's own.
@_exported import Terms

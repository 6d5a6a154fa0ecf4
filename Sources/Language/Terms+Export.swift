// The words a model is made of (Activation, Padding, PoolKind, Initializer) are Terms': the
// parser reads them as the engine uses them.
@_exported import Terms

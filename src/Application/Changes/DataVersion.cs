namespace Kasparro.Application.Changes;

/// <summary>
/// Which state of the stored data the reads see. Market data changes only when something is stored (a batch, a run
/// starting or ending, an identity decision), and each such change moves <see cref="Version"/> on, so two reads under
/// the same version return the same answer.
/// </summary>
/// <param name="Version">Moves on with every stored change; the same in every process that reads the same store.</param>
/// <param name="Watched">
/// True when this process hears of every change as it is stored, so an answer remembered under <see cref="Version"/>
/// stays true until the version moves. False while it cannot hear of changes: the version was then read from the store
/// just now, and nothing should be remembered.
/// </param>
/// <param name="Epoch">Moves on each time the process starts hearing of changes again: what it remembered before may have missed one.</param>
public readonly record struct DataVersion(long Version, bool Watched, long Epoch);

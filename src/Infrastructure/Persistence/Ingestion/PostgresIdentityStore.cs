using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Assets;
using Microsoft.Extensions.Logging;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>
/// <see cref="IIdentityStore"/> on PostgreSQL: a decision is a short durable transaction of its own that reads and
/// writes under the identity lock every source shares (<see cref="IdentityRows"/>), and commits at once so that the
/// next decision, of any source, sees it.
/// </summary>
public sealed class PostgresIdentityStore(PostgresDatabase database, TimeProvider time, ILogger<PostgresIdentityStore> logger) : IIdentityStore
{
    public async Task<T> DecideAsync<T>(
        IReadOnlyCollection<SourceKey> keys,
        IReadOnlyCollection<string> tickers,
        Func<IdentitySnapshot, IdentityDecision<T>> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(tickers);
        ArgumentNullException.ThrowIfNull(decide);
        await using var transaction = await WriteTransaction.BeginAsync(database.DataSource, durable: true, logger, cancellationToken);
        var snapshot = await IdentityRows.LoadAsync(transaction, keys, tickers, cancellationToken);
        var decision = decide(snapshot);
        await IdentityRows.StoreAsync(transaction, decision.Assets, decision.Mappings, decision.Evidence, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        database.DataVersion.Changed();
        return decision.Outcome;
    }

    public async Task StoreLearnedAsync(IReadOnlyCollection<Asset> assets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assets);
        if (assets.Count == 0)
        {
            return;
        }

        await using var transaction = await WriteTransaction.BeginAsync(database.DataSource, durable: true, logger, cancellationToken);
        await IdentityRows.StoreAsync(transaction, assets, [], null, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        database.DataVersion.Changed();
    }

    public async Task<long> LastCorrectionAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(IdentityRows.LastCorrectionSql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}

using Kasparro.Application.Identity.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Infrastructure.Persistence.Changes;
using Kasparro.Infrastructure.Persistence.Ingestion;
using Microsoft.Extensions.Logging;

namespace Kasparro.Infrastructure.Persistence.Identity;

/// <summary>
/// <see cref="IIdentityCorrections"/> on PostgreSQL: one durable transaction that takes the identity lock (so it is
/// serialized with every identity decision), reads the snapshot, lets the caller decide, then takes the run locks of the
/// sources whose mappings move without waiting (a source being run refuses the correction: its batches in flight were
/// resolved with the mappings as they are), moves the mappings and re-points their quotes set-based, records the
/// decision, and commits.
/// </summary>
public sealed partial class PostgresIdentityCorrections(PostgresDatabase database, TimeProvider time, ILogger<PostgresIdentityCorrections> logger)
    : IIdentityCorrections
{
    public async Task<CorrectionOutcome> CorrectAsync(
        IReadOnlyCollection<Guid> assetIds,
        IReadOnlyCollection<SourceKey> keys,
        Func<CorrectionSnapshot, IdentityCorrection?> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetIds);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(decide);
        await using var transaction = await WriteTransaction.BeginAsync(database.DataSource, durable: true, logger, cancellationToken);
        var snapshot = await CorrectionRows.LoadAsync(transaction, assetIds, keys, cancellationToken);
        if (decide(snapshot) is not { } correction)
        {
            return new CorrectionOutcome(null, 0, []);
        }

        var sources = correction.Moved.Select(k => k.Source).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var busy = await CorrectionRows.HoldRunsAsync(transaction, sources, cancellationToken);
        if (busy.Count > 0)
        {
            LogBusy(correction.Kind.ToString(), string.Join(", ", busy));
            return new CorrectionOutcome(null, 0, busy);
        }

        var (decisionId, quotesMoved) = await CorrectionRows.ApplyAsync(transaction, correction, time.GetUtcNow(), cancellationToken);
        await using (var bump = transaction.CreateBatch())
        {
            // Quotes changed assets: every cached read and ETag must move on, here and in every listening process.
            bump.BatchCommands.Add(DataVersionSql.Bump());
            await bump.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        database.DataVersion.Changed();
        LogCorrected(correction.Kind.ToString(), correction.AssetId, correction.OtherAssetId, correction.Moved.Count, quotesMoved, decisionId, correction.Who);
        return new CorrectionOutcome(decisionId, quotesMoved, []);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity {Kind} of {AssetId} and {OtherAssetId}: {Mappings} mappings and {Quotes} quotes moved (decision {DecisionId}, by {Who})")]
    private partial void LogCorrected(string kind, Guid assetId, Guid otherAssetId, int mappings, long quotes, long decisionId, string who);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity {Kind} refused: runs of {Sources} are in progress")]
    private partial void LogBusy(string kind, string sources);
}

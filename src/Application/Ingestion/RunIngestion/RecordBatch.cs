using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Kasparro.Domain.Quotes;

namespace Kasparro.Application.Ingestion.RunIngestion;

/// <summary>
/// One batch of a run as it is read: every record kept verbatim, sorted by the data rules into valid records (checked
/// and normalized, waiting for their asset) and rejected ones (with every reason), with the checkpoints reached and
/// the schema drift seen. The reading side fills it while the writing side stores the batch before it.
/// </summary>
internal sealed class RecordBatch(TickerAliases aliases)
{
    private readonly List<RawRecord> _raw = [];
    private readonly List<NormalizedRecord> _valid = [];
    private readonly List<Rejection> _rejections = [];
    private readonly List<SourceSchemaDrift> _drift = [];
    private readonly Dictionary<string, Checkpoint> _checkpoints = new(StringComparer.Ordinal);

    public IReadOnlyList<NormalizedRecord> Valid => _valid;

    /// <summary>Records read in this batch (loaded, skipped or rejected), the ones the source skipped included.</summary>
    public long Read { get; private set; }

    /// <summary>Records the source handed over in this batch (not the ones it skipped).</summary>
    public int RecordCount => _raw.Count;

    public bool IsEmpty => Read == 0 && _drift.Count == 0 && _checkpoints.Count == 0;

    /// <summary>Keeps the record verbatim, and sorts it: valid when it has readable fields that break no data rule.</summary>
    public void Add(SourceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Read++;
        _raw.Add(new RawRecord(record.Reference, record.SourceRecordId, record.Raw));
        if (record.CheckpointAfter is { } checkpoint)
        {
            Reach(record.Stream, checkpoint);
        }

        if (record.Problems.Count == 0 && record.Fields is not null)
        {
            // The common case, without a list of reasons per record.
            var (clean, found) = QuoteRules.Normalize(record.Fields, aliases);
            if (found.Count == 0 && clean is not null)
            {
                _valid.Add(clean);
                return;
            }
        }

        var reasons = new List<string>(record.Problems);
        NormalizedRecord? normalized = null;
        if (record.Fields is null)
        {
            if (reasons.Count == 0)
            {
                reasons.Add("record has no readable fields");
            }
        }
        else
        {
            var (checkedRecord, ruleReasons) = QuoteRules.Normalize(record.Fields, aliases);
            reasons.AddRange(ruleReasons.Where(r => !reasons.Contains(r, StringComparer.Ordinal)));
            normalized = checkedRecord;
        }

        if (reasons.Count > 0 || normalized is null)
        {
            if (reasons.Count == 0)
            {
                reasons.Add("record could not be read");
            }

            _rejections.Add(new Rejection(record.Reference, record.SourceRecordId, record.Raw, reasons));
            return;
        }

        _valid.Add(normalized);
    }

    /// <summary>Counts records the source did not hand over because its checkpoint shows them unchanged.</summary>
    public void AddSkipped(long count) => Read += count;

    /// <summary>Notes the checkpoint a stream has reached; a later one of the same stream replaces it.</summary>
    public void Reach(string stream, Checkpoint checkpoint) => _checkpoints[stream] = checkpoint;

    public void AddDrift(SourceSchemaDrift drift) => _drift.Add(drift);

    /// <summary>The batch with its valid records as <paramref name="quotes"/> of their assets, ready to be stored.</summary>
    public ResolvedBatch Resolved(IReadOnlyList<Quote> quotes) => new(_raw, quotes, _rejections, _drift, [.. _checkpoints.Values], Read);
}

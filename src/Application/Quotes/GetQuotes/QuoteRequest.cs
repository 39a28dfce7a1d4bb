using Kasparro.Application.Common.Queries;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Quotes.GetQuotes;

/// <summary>
/// Turns <see cref="GetQuotesQuery"/>'s text into a <see cref="QuoteSpecification"/>, collecting every error by
/// parameter name. The validator and the handler both use it, so they can never disagree.
/// </summary>
public sealed class QuoteRequest
{
    private readonly IDictionary<string, List<string>> _errors = ParameterErrors.Create();

    private QuoteRequest()
    {
    }

    public QuoteSpecification? Specification { get; private set; }

    public IReadOnlyDictionary<string, string[]> Errors => _errors.ToReadOnly();

    public static QuoteRequest Parse(GetQuotesQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var request = new QuoteRequest();
        request.Specification = request.Build(query);
        return request;
    }

    private QuoteSpecification? Build(GetQuotesQuery query)
    {
        var tickers = new List<string>();
        foreach (var item in QueryText.SplitList(query.Ticker))
        {
            var ticker = Ticker.Parse(item, TickerAliases.None);
            if (ticker.IsValid)
            {
                if (!tickers.Contains(ticker.Value!.Value, StringComparer.Ordinal))
                {
                    tickers.Add(ticker.Value!.Value);
                }
            }
            else
            {
                Add("ticker", $"'{Shorten(item)}': {ticker.Error}");
            }
        }

        if (tickers.Count > 50)
        {
            Add("ticker", "at most 50 tickers at once");
        }

        Guid? assetId = null;
        if (!string.IsNullOrWhiteSpace(query.AssetId))
        {
            if (QueryText.TryParseGuid(query.AssetId, out var id))
            {
                assetId = id;
            }
            else
            {
                Add("asset_id", "must be an asset id (a UUID)");
            }
        }

        var sources = SourceFilter.Parse(query.Source, _errors);

        var from = ParseTimestamp(query.From, "from");
        var to = ParseTimestamp(query.To, "to");
        if (from is { } f && to is { } t && f > t)
        {
            Add("from", "must not be after 'to'");
        }

        if (!QuoteSort.TryParse(query.Sort, out var sort))
        {
            Add("sort", $"must be one of {string.Join(", ", QuoteSort.Accepted)}");
        }

        var limit = QuoteSpecification.DefaultLimit;
        if (query.Limit is not null && !QueryText.TryParseInt(query.Limit, 1, QuoteSpecification.MaxLimit, out limit))
        {
            Add("limit", $"must be a whole number from 1 to {QuoteSpecification.MaxLimit}");
        }

        var offset = 0;
        if (query.Offset is not null && !QueryText.TryParseInt(query.Offset, 0, QuoteSpecification.MaxOffset, out offset))
        {
            Add("offset", $"must be a whole number from 0 to {QuoteSpecification.MaxOffset}; go deeper with 'cursor'");
        }

        if (query.Offset is not null && query.Cursor is not null)
        {
            Add("cursor", "give either 'offset' or 'cursor', not both");
        }

        if (_errors.Count > 0)
        {
            return null;
        }

        var filter = new QuoteFilter(tickers, assetId, sources, from, to);
        QuotePosition? after = null;
        if (query.Cursor is not null && !QuoteCursor.TryDecode(query.Cursor, sort, filter, out after, out var error))
        {
            Add("cursor", error ?? "is not valid");
            return null;
        }

        return new QuoteSpecification(filter, sort, limit, offset, after);
    }

    private DateTimeOffset? ParseTimestamp(string? text, string name)
    {
        if (text is null)
        {
            return null;
        }

        if (QueryText.TryParseTimestamp(text, out var value))
        {
            return value;
        }

        Add(name, "must be an ISO-8601 date or date-time, e.g. 2026-11-20 or 2026-11-20T12:00:00Z");
        return null;
    }

    private void Add(string name, string message) => _errors.AddError(name, message);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

using System.Data.Common;
using Ardalis.Specification;
using Kasparro.Application;
using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.Ports;
using Kasparro.Application.Quotes.Specifications;
using Kasparro.Infrastructure;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Queries;
using Kasparro.IntegrationTests.Fixtures;
using Mapster;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>
/// Application's quote specifications run by Infrastructure's EF Core evaluator on a real PostgreSQL: keyset pages equal
/// offset pages, and the statements are what the indexes were built for (a row comparison, bounds written in). The
/// quote reader's hand-written SQL returns exactly what the evaluator returns for the same specification.
/// </summary>
public sealed class SpecificationEvaluatorTests(SpecificationEvaluatorTests.Seeded db) : IClassFixture<SpecificationEvaluatorTests.Seeded>
{
    public static TheoryData<string> Sorts() => [.. QuoteSort.Accepted];

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task KeysetPages_EqualOffsetPages(string sortText)
    {
        var sort = Sort(sortText);
        var byOffset = new List<string>();
        for (var offset = 0; offset < Seeded.Quotes; offset += 7)
        {
            byOffset.AddRange((await EvaluateAsync(new QuotePageSpecification(QuoteFilter.None, sort, 7, offset, null))).Take(7).Select(Key));
        }

        var byCursor = new List<string>();
        QuotePosition? after = null;
        while (true)
        {
            var rows = await EvaluateAsync(new QuotePageSpecification(QuoteFilter.None, sort, 7, 0, after));
            byCursor.AddRange(rows.Take(7).Select(Key));
            if (rows.Count <= 7)
            {
                break;
            }

            after = QuotePosition.Of(rows[6], sort.Field);
        }

        byOffset.Count.ShouldBe(Seeded.Quotes);
        byOffset.Distinct().Count().ShouldBe(Seeded.Quotes);
        byCursor.ShouldBe(byOffset);
    }

    public static TheoryData<string, string> SortsAndFilters()
    {
        var data = new TheoryData<string, string>();
        foreach (var sort in QuoteSort.Accepted)
        {
            foreach (var filter in new[] { "none", "ticker", "tickers+source", "window" })
            {
                data.Add(sort, filter);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SortsAndFilters))]
    public async Task TheQuoteReader_ReturnsWhatTheSpecificationSelects_PageByPage(string sortText, string filterName)
    {
        var sort = Sort(sortText);
        var filter = filterName switch
        {
            "ticker" => QuoteFilter.None with { Tickers = ["T02"] },
            "tickers+source" => QuoteFilter.None with { Tickers = ["T01", "T03"], Sources = ["csv", "coingecko"] },
            "window" => QuoteFilter.None with { From = Seeded.T0.AddHours(2), To = Seeded.T0.AddHours(5) },
            _ => QuoteFilter.None,
        };
        var reader = db.Services.GetRequiredService<IQuoteReader>();
        var pages = 0;
        QuotePosition? after = null;
        while (true)
        {
            var specification = new QuotePageSpecification(filter, sort, 5, 0, after);
            var rows = await reader.ListAsync(specification, CancellationToken.None);
            rows.ShouldBe(await EvaluateAsync(specification));
            pages++;
            if (rows.Count <= 5)
            {
                break;
            }

            after = QuotePosition.Of(rows[4], sort.Field);
        }

        var offsetPage = new QuotePageSpecification(filter, sort, 5, 6, null);
        (await reader.ListAsync(offsetPage, CancellationToken.None)).ShouldBe(await EvaluateAsync(offsetPage));
        pages.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task ACursorPage_IsOneRowComparison_OnTheKeyColumns_WithItsLimitWrittenIn()
    {
        var after = new QuotePosition(new QuoteSortValue(Seeded.T0, null, null), "csv", "t01", Seeded.T0);

        var sql = await SqlAsync(new QuotePageSpecification(QuoteFilter.None with { Tickers = ["T01"] }, QuoteSort.Default, 50, 0, after));

        sql.ShouldContain("WHERE q.ticker = @");
        sql.ShouldContain("(q.observed_at, q.source, q.source_asset_id) < (@");
        sql.ShouldContain("ORDER BY q.observed_at DESC, q.source DESC, q.source_asset_id DESC");
        sql.ShouldContain("LIMIT 51");
        sql.ShouldNotContain("OFFSET");
        sql.ShouldContain("trim_scale(q.price_usd)");
    }

    [Fact]
    public async Task AMarketCapCursor_KeepsNullsLast_AroundTheRowComparison()
    {
        var sort = new QuoteSort(QuoteSortField.MarketCapUsd, Descending: true);
        var afterValue = new QuotePosition(new QuoteSortValue(null, 5m, null), "csv", "t01", Seeded.T0);
        var afterNull = afterValue with { Value = default };

        var fromValue = await SqlAsync(new QuotePageSpecification(QuoteFilter.None, sort, 10, 0, afterValue));
        var fromNull = await SqlAsync(new QuotePageSpecification(QuoteFilter.None, sort, 10, 0, afterNull));

        fromValue.ShouldContain("IS NULL OR (trim_scale(q.market_cap_usd), q.source, q.source_asset_id, q.observed_at) < (@");
        fromNull.ShouldContain("IS NULL AND (q.source, q.source_asset_id, q.observed_at) < (@");
        fromValue.ShouldContain("ORDER BY trim_scale(q.market_cap_usd) IS NULL, trim_scale(q.market_cap_usd) DESC, q.source DESC");
    }

    [Fact]
    public async Task TheStatementText_DependsOnTheRequestsShape_NotItsValues()
    {
        var first = await SqlAsync(new QuotePageSpecification(QuoteFilter.None with { Tickers = ["T01"] }, QuoteSort.Default, 50, 0, null), withParameters: false);
        var second = await SqlAsync(new QuotePageSpecification(QuoteFilter.None with { Tickers = ["T02"] }, QuoteSort.Default, 50, 0, null), withParameters: false);

        second.ShouldBe(first);
        first.ShouldNotContain("T01");
    }

    [Theory]
    [InlineData(null, "quotes_pkey")]
    [InlineData("T01", "ix_quotes_ticker_observed_at_key")]
    public async Task ACursorPage_SeeksTheKeyOrderedIndex(string? ticker, string index)
    {
        var filter = ticker is null ? QuoteFilter.None : QuoteFilter.None with { Tickers = [ticker] };
        var after = new QuotePosition(new QuoteSortValue(Seeded.T0.AddHours(20), null, null), "csv", "t01", Seeded.T0.AddHours(20));

        var plan = await ExplainAsync(new QuotePageSpecification(filter, QuoteSort.Default, 50, 0, after));

        plan.ShouldContain($"Index Scan Backward using {index}");
        plan.Split('\n').ShouldContain(line => line.Contains("Index Cond:", StringComparison.Ordinal)
                                                && line.Contains("ROW(observed_at, source, source_asset_id) < ROW(", StringComparison.Ordinal));
        plan.ShouldNotContain("Sort");
    }

    [Fact]
    public async Task ACountIsCappedAndRemembered_ForTheSameFilter()
    {
        var reader = db.Services.GetRequiredService<IQuoteReader>();

        var capped = await reader.CountAsync(new QuotesMatchingSpecification(QuoteFilter.None), 10, CancellationToken.None);
        var exact = await reader.CountAsync(new QuotesMatchingSpecification(QuoteFilter.None with { Tickers = ["T01"] }), 10_000, CancellationToken.None);

        capped.ShouldBe(new QuoteTotal(10, Exact: false));
        exact.ShouldBe(new QuoteTotal(Seeded.Quotes / Seeded.Tickers, Exact: true));
    }

    private static QuoteSort Sort(string text) => QuoteSort.TryParse(text, out var sort) ? sort : throw new ArgumentException(text);

    private static string Key(QuoteDto q) => $"{q.Source}/{q.SourceAssetId}/{q.ObservedAt:O}";

    /// <summary>The specification as EF Core evaluates it: quotes projected into response rows, then filtered, ordered, paged.</summary>
    private async Task<List<QuoteDto>> EvaluateAsync(ISpecification<QuoteDto> specification)
    {
        await using var context = await db.Services.GetRequiredService<IDbContextFactory<KasparroDbContext>>().CreateDbContextAsync();
        return await context.Quotes.ProjectToType<QuoteDto>(db.Services.GetRequiredService<TypeAdapterConfig>()).Apply(specification).ToListAsync();
    }

    private async Task<string> SqlAsync(ISpecification<QuoteDto> specification, bool withParameters = true)
    {
        await using var context = await db.Services.GetRequiredService<IDbContextFactory<KasparroDbContext>>().CreateDbContextAsync();
        var sql = context.Quotes.ProjectToType<QuoteDto>(db.Services.GetRequiredService<TypeAdapterConfig>()).Apply(specification).ToQueryString();
        return withParameters ? sql : string.Join('\n', sql.Split('\n').Where(line => !line.StartsWith("-- ", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The plan of the very command EF Core sends, with scans and sorts that need no index priced out (the table is small):
    /// a plan that still sorts, or has no row comparison in its index condition, could not seek.
    /// </summary>
    private async Task<string> ExplainAsync(ISpecification<QuoteDto> specification)
    {
        await using var context = await db.Services.GetRequiredService<IDbContextFactory<KasparroDbContext>>().CreateDbContextAsync();
        await context.Database.OpenConnectionAsync();
        await context.Database.ExecuteSqlRawAsync("SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off");
        await using DbCommand command = context.Quotes.ProjectToType<QuoteDto>(db.Services.GetRequiredService<TypeAdapterConfig>()).Apply(specification).CreateDbCommand();
        command.CommandText = "EXPLAIN " + command.CommandText;
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        await context.Database.ExecuteSqlRawAsync("RESET ALL");
        return string.Join('\n', lines);
    }

    /// <summary>Quotes of three tickers, hourly, from three sources; some without a market cap, many sharing one.</summary>
    public sealed class Seeded : IAsyncLifetime
    {
        public const int Tickers = 3;
        public const int Quotes = Tickers * 3 * 8;
        public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        private readonly DatabaseFixture _database = new();

        public ServiceProvider Services { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await _database.InitializeAsync();
            await _database.ExecuteAsync("""
                INSERT INTO assets (id, ticker, name, normalized_name, market_cap_usd, created_at, updated_at)
                SELECT gen_random_uuid(), 'T0' || a, 'Token ' || a, 'token ' || a, a * 1000, now(), now() FROM generate_series(1, 3) AS a;
                INSERT INTO quotes (source, source_asset_id, observed_at, asset_id, ticker, name, price_usd, market_cap_usd, volume_24h_usd,
                                    percent_change_24h, source_updated_at, ingested_at, run_id)
                SELECT s.source, lower(a.ticker), TIMESTAMPTZ '2026-01-01 00:00:00+00' + make_interval(hours => h), a.id, a.ticker, a.name,
                       (h % 4) + 1, CASE WHEN h % 3 = 0 THEN NULL ELSE (h % 2) * 5 END, NULL, NULL,
                       TIMESTAMPTZ '2026-01-01 00:00:00+00' + make_interval(hours => h), now(), '00000000-0000-4000-8000-00000000a0a0'
                FROM assets a CROSS JOIN (VALUES ('coinpaprika'), ('coingecko'), ('csv')) AS s(source) CROSS JOIN generate_series(0, 7) AS h;
                ANALYZE quotes;
                """);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("DATABASE_URL", _database.ConnectionString)]).Build();
            Services = new ServiceCollection().AddLogging().AddApplication().AddInfrastructure(configuration).BuildServiceProvider();
        }

        public async Task DisposeAsync()
        {
            await Services.DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}

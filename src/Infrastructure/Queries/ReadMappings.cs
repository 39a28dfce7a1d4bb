using Kasparro.Application.Quotes;
using Kasparro.Application.Runs;
using Kasparro.Application.SchemaDrift;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Persistence.ReadModels;
using Mapster;

namespace Kasparro.Infrastructure.Queries;

/// <summary>
/// How stored rows become response rows, as projections EF Core turns into the SELECT list: each amount through
/// <c>trim_scale</c> (87000, not 87000.000000000000000000), and renamed columns where the API's words differ. The quote
/// projection is EF Core's reading of the quote specifications, against which the hand-written <c>QuoteSql</c> is tested.
/// </summary>
internal sealed class ReadMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.NewConfig<QuoteRow, QuoteDto>()
            .Map(d => d.PriceUsd, s => PgFunctions.TrimScale(s.PriceUsd))
            .Map(d => d.MarketCapUsd, s => PgFunctions.TrimScale(s.MarketCapUsd))
            .Map(d => d.Volume24hUsd, s => PgFunctions.TrimScale(s.Volume24hUsd))
            .Map(d => d.PercentChange24h, s => PgFunctions.TrimScale(s.PercentChange24h));
        config.NewConfig<EtlRunRow, RunDto>()
            .Map(d => d.Read, s => s.ReadCount)
            .Map(d => d.Loaded, s => s.LoadedCount)
            .Map(d => d.Skipped, s => s.SkippedCount)
            .Map(d => d.Rejected, s => s.RejectedCount)
            .Map(d => d.Error, s => s.ErrorMessage);
        config.NewConfig<SchemaDriftEventRow, SchemaDriftEventDto>()
            .Map(d => d.Confidence, s => PgFunctions.TrimScale(s.Confidence));
    }
}

using System.Text;
using Kasparro.Infrastructure.Persistence.ReadModels;
using Microsoft.EntityFrameworkCore;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// EF Core over the operator tables, for reads: the rows in <see cref="ReadModels"/>, no tracking and split queries
/// by default (see <see cref="DependencyInjection"/>), and PostgreSQL's <c>trim_scale</c> (<see cref="PgFunctions"/>).
/// The schema belongs to the SQL migrations, not to this model; writes go through <see cref="PostgresIngestionStore"/>.
/// </summary>
public sealed class KasparroDbContext(DbContextOptions<KasparroDbContext> options) : DbContext(options)
{
    public DbSet<EtlRunRow> Runs => Set<EtlRunRow>();

    public DbSet<EtlCheckpointRow> Checkpoints => Set<EtlCheckpointRow>();

    public DbSet<AssetRow> Assets => Set<AssetRow>();

    public DbSet<AssetSourceRow> AssetSources => Set<AssetSourceRow>();

    public DbSet<TickerAliasRow> TickerAliases => Set<TickerAliasRow>();

    public DbSet<QuoteRow> Quotes => Set<QuoteRow>();

    public DbSet<RejectedRecordRow> RejectedRecords => Set<RejectedRecordRow>();

    public DbSet<SchemaDriftEventRow> SchemaDriftEvents => Set<SchemaDriftEventRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<EtlRunRow>(e =>
        {
            e.ToTable("etl_runs");
            e.HasKey(r => r.Id);
        });

        modelBuilder.Entity<EtlCheckpointRow>(e =>
        {
            e.ToTable("etl_checkpoints");
            e.HasKey(c => new { c.Source, c.Stream });
            e.Property(c => c.State).HasColumnType("jsonb");
        });

        modelBuilder.Entity<AssetRow>(e =>
        {
            e.ToTable("assets");
            e.HasKey(a => a.Id);
            e.HasMany(a => a.Sources).WithOne().HasForeignKey(s => s.AssetId);
        });

        modelBuilder.Entity<AssetSourceRow>(e =>
        {
            e.ToTable("asset_sources");
            e.HasKey(s => new { s.Source, s.SourceAssetId });
            e.Property(s => s.Confidence).HasPrecision(5, 4);
        });

        modelBuilder.Entity<TickerAliasRow>(e =>
        {
            e.ToTable("ticker_aliases");
            e.HasKey(a => a.Alias);
        });

        modelBuilder.Entity<QuoteRow>(e =>
        {
            e.ToTable("quotes");
            e.HasKey(q => new { q.Source, q.SourceAssetId, q.ObservedAt });
            e.Property(q => q.PriceUsd).HasPrecision(38, 18);
        });

        modelBuilder.Entity<RejectedRecordRow>(e =>
        {
            e.ToTable("rejected_records");
            e.HasKey(r => r.Id);
        });

        modelBuilder.Entity<SchemaDriftEventRow>(e =>
        {
            e.ToTable("schema_drift_events");
            e.HasKey(d => d.Id);
            e.Property(d => d.Confidence).HasPrecision(5, 4);
        });

        foreach (var trimScale in typeof(PgFunctions).GetMethods().Where(m => m.Name == nameof(PgFunctions.TrimScale)))
        {
            modelBuilder.HasDbFunction(trimScale).HasName("trim_scale").IsBuiltIn();
        }

        // Columns are the snake_case of the property names (Volume24hUsd -> volume_24h_usd), as in the SQL scripts.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    /// <summary><c>MarketCapUsd</c> → <c>market_cap_usd</c>, <c>PercentChange24h</c> → <c>percent_change_24h</c>.</summary>
    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0)
            {
                var previous = name[i - 1];
                var startsWord = (char.IsUpper(c) && !char.IsUpper(previous)) || (char.IsDigit(c) && !char.IsDigit(previous));
                if (startsWord)
                {
                    builder.Append('_');
                }
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}

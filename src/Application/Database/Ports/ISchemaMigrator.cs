using Kasparro.Application.Database.Migrate;

namespace Kasparro.Application.Database.Ports;

/// <summary>Applies the versioned schema scripts; safe when several processes call it at once.</summary>
public interface ISchemaMigrator
{
    Task<MigrateDatabaseResult> MigrateAsync(CancellationToken cancellationToken);
}

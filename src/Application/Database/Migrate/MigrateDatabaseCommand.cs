using Kasparro.Application.Common.Behaviors;

namespace Kasparro.Application.Database.Migrate;

/// <summary>Applies pending schema migrations. Sent by the <c>migrate</c> verb and by <c>serve</c> before it listens.</summary>
public sealed record MigrateDatabaseCommand : IRequest<MigrateDatabaseResult>, ILongRunningRequest;

public sealed record MigrateDatabaseResult(IReadOnlyList<string> Applied, int AlreadyApplied);

/// <summary>Applies the versioned schema scripts; safe when several processes call it at once.</summary>
public interface ISchemaMigrator
{
    Task<MigrateDatabaseResult> MigrateAsync(CancellationToken cancellationToken);
}

public sealed class MigrateDatabaseHandler(ISchemaMigrator migrator) : IRequestHandler<MigrateDatabaseCommand, MigrateDatabaseResult>
{
    public Task<MigrateDatabaseResult> Handle(MigrateDatabaseCommand request, CancellationToken cancellationToken) =>
        migrator.MigrateAsync(cancellationToken);
}

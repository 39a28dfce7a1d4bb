using Kasparro.Application.Common.Behaviors;
using Kasparro.Application.Database.Ports;

namespace Kasparro.Application.Database.Migrate;

/// <summary>Applies pending schema migrations. Sent by the <c>migrate</c> verb and by <c>serve</c> before it listens.</summary>
public sealed record MigrateDatabaseCommand : IRequest<MigrateDatabaseResult>, ILongRunningRequest;

public sealed record MigrateDatabaseResult(IReadOnlyList<string> Applied, int AlreadyApplied);

public sealed class MigrateDatabaseHandler(ISchemaMigrator migrator) : IRequestHandler<MigrateDatabaseCommand, MigrateDatabaseResult>
{
    public Task<MigrateDatabaseResult> Handle(MigrateDatabaseCommand request, CancellationToken cancellationToken) =>
        migrator.MigrateAsync(cancellationToken);
}

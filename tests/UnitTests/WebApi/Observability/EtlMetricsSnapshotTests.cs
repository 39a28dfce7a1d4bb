using Kasparro.Application.Metrics.GetEtlMetrics;
using Kasparro.WebApi.Observability;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace Kasparro.UnitTests.WebApi.Observability;

public sealed class EtlMetricsSnapshotTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly IMediator _mediator = Substitute.For<IMediator>();
    private int _queries;

    public EtlMetricsSnapshotTests() =>
        _mediator.Send(Arg.Any<GetEtlMetricsQuery>(), Arg.Any<CancellationToken>())
            .Returns(_ => new EtlMetrics(true, [Source($"reading {++_queries}")]));

    private EtlMetricsSnapshot Snapshot() =>
        new(new ServiceCollection().AddSingleton(_mediator).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), _time);

    private static SourceEtlMetrics Source(string name) => new(name, 0, 0, 0, 0, new Dictionary<string, long>(), null, null, null);

    [Fact]
    public async Task Current_AfterARefresh_IsThatReading_WithoutAnotherQuery()
    {
        var snapshot = Snapshot();
        await snapshot.RefreshAsync(CancellationToken.None);
        _time.Advance(EtlMetricsSnapshot.FreshFor);

        snapshot.Current().Sources.ShouldHaveSingleItem().Source.ShouldBe("reading 1");
        snapshot.Current().Sources.ShouldHaveSingleItem().Source.ShouldBe("reading 1");
        _queries.ShouldBe(1);
    }

    [Fact]
    public async Task EveryRefresh_QueriesAnew()
    {
        var snapshot = Snapshot();
        await snapshot.RefreshAsync(CancellationToken.None);
        await snapshot.RefreshAsync(CancellationToken.None);

        snapshot.Current().Sources.ShouldHaveSingleItem().Source.ShouldBe("reading 2");
        _queries.ShouldBe(2);
    }

    [Fact]
    public void Current_WithoutAnyReading_QueriesItself()
    {
        Snapshot().Current().Sources.ShouldHaveSingleItem().Source.ShouldBe("reading 1");
        _queries.ShouldBe(1);
    }

    [Fact]
    public async Task Current_OnceTheReadingIsOlderThanFreshFor_QueriesAgain()
    {
        var snapshot = Snapshot();
        await snapshot.RefreshAsync(CancellationToken.None);
        _time.Advance(EtlMetricsSnapshot.FreshFor + TimeSpan.FromMilliseconds(1));

        snapshot.Current().Sources.ShouldHaveSingleItem().Source.ShouldBe("reading 2");
        snapshot.Current().Sources.ShouldHaveSingleItem().Source.ShouldBe("reading 2");
        _queries.ShouldBe(2);
    }
}

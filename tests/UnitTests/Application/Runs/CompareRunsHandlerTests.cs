using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Runs;
using Kasparro.Application.Runs.CompareRuns;
using Kasparro.Application.Runs.Ports;
using NSubstitute;
using static Kasparro.UnitTests.Application.Runs.RunBuilder;

namespace Kasparro.UnitTests.Application.Runs;

public sealed class CompareRunsHandlerTests
{
    private readonly IRunReader _reader = Substitute.For<IRunReader>();

    private Task<RunComparison> CompareAsync(string? a, string? b, params RunDto[] stored)
    {
        _reader.FindAsync(default!, default).ReturnsForAnyArgs(stored);
        return new CompareRunsHandler(_reader).Handle(CompareRunsQuery.Parse(a, b), CancellationToken.None);
    }

    [Fact]
    public async Task Handle_GivesDeltasAndRatiosFromAToB()
    {
        var a = Run(status: "succeeded", trigger: "schedule", durationMs: 2000, read: 200, loaded: 150, skipped: 40, rejected: 10);
        var b = Run(status: "failed", trigger: "manual", startedAt: T0.AddMinutes(90), durationMs: 500, read: 300, loaded: 0, skipped: 40, rejected: 0);

        var comparison = await CompareAsync(a.Id.ToString(), b.Id.ToString(), b, a);

        comparison.A.ShouldBe(a);
        comparison.B.ShouldBe(b);
        var d = comparison.Differences;
        d.SameSource.ShouldBeTrue();
        d.Status.ShouldBe(new ValueChange("succeeded", "failed", true));
        d.Trigger.ShouldBe(new ValueChange("schedule", "manual", true));
        d.StartedApartSeconds.ShouldBe(5400);
        d.DurationMs.ShouldBe(new CountDifference(2000, 500, -1500, 0.25));
        d.Read.ShouldBe(new CountDifference(200, 300, 100, 1.5));
        d.Loaded.ShouldBe(new CountDifference(150, 0, -150, 0));
        d.Skipped.ShouldBe(new CountDifference(40, 40, 0, 1));
        d.Rejected.ShouldBe(new CountDifference(10, 0, -10, 0));
    }

    [Fact]
    public async Task Handle_RatioIsNullWhenAIsZero_AndDeltasNullWhileRunning()
    {
        var a = Run(source: "csv", rejected: 0, durationMs: 100);
        var b = Run(source: "coingecko", status: "running", rejected: 7);

        var d = (await CompareAsync(a.Id.ToString(), b.Id.ToString(), a, b)).Differences;

        d.SameSource.ShouldBeFalse();
        d.Rejected.ShouldBe(new CountDifference(0, 7, 7, null));
        d.DurationMs.ShouldBe(new CountDifference(100, null, null, null));
    }

    [Fact]
    public async Task Handle_RatiosAreRoundedToFourDecimals()
    {
        var a = Run(loaded: 3);
        var b = Run(loaded: 2);

        (await CompareAsync(a.Id.ToString(), b.Id.ToString(), a, b)).Differences.Loaded.Ratio.ShouldBe(0.6667);
    }

    [Fact]
    public async Task Handle_ARunWithItself_ShowsNoChange()
    {
        var a = Run();

        var d = (await CompareAsync(a.Id.ToString(), a.Id.ToString(), a)).Differences;

        d.Status.Changed.ShouldBeFalse();
        d.Loaded.ShouldBe(new CountDifference(100, 100, 0, 1));
    }

    [Fact]
    public async Task Handle_WhenOneRunIsUnknown_IsNotFoundNamingIt()
    {
        var a = Run();
        var unknown = Guid.NewGuid();

        var error = await Should.ThrowAsync<NotFoundException>(() => CompareAsync(a.Id.ToString(), unknown.ToString(), a));

        error.Resource.ShouldBe("run");
        error.Key.ShouldBe(unknown.ToString());
    }

    [Fact]
    public async Task Handle_WhenBothAreUnknown_NamesBoth()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());

        var error = await Should.ThrowAsync<NotFoundException>(() => CompareAsync(a.ToString(), b.ToString()));

        error.Message.ShouldBe($"Neither run '{a}' nor run '{b}' exists.");
    }

    [Theory]
    [InlineData(null, null, new[] { "a", "b" })]
    [InlineData("not-a-guid", null, new[] { "a", "b" })]
    [InlineData("0195f0a0-0000-7000-8000-000000000001", "", new[] { "b" })]
    [InlineData("12345", "0195f0a0-0000-7000-8000-000000000001", new[] { "a" })]
    public async Task Validator_NamesEachMissingOrMalformedId(string? a, string? b, string[] expected)
    {
        var result = await new CompareRunsQueryValidator().ValidateAsync(CompareRunsQuery.Parse(a, b));

        result.Errors.Select(e => e.PropertyName).Distinct().ShouldBe(expected);
    }
}

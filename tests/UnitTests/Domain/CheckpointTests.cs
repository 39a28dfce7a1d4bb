using Kasparro.Domain.Common;
using Kasparro.Domain.Ingestion;

namespace Kasparro.UnitTests.Domain;

public sealed class CheckpointTests
{
    private static Checkpoint At(long generation, long position) => new("csv", "/data/btc.csv", generation, position, position / 10, "{}");

    [Fact]
    public void Advance_WhenForward_ReturnsTheNextCheckpoint()
    {
        At(0, 100).Advance(At(0, 200)).Position.ShouldBe(200);
    }

    [Fact]
    public void Advance_WhenANewGenerationStartsAtZero_IsForward()
    {
        var next = At(0, 5000).Advance(At(1, 0));

        next.Generation.ShouldBe(1);
        next.Position.ShouldBe(0);
    }

    [Fact]
    public void Advance_WhenBackwards_IsRefused()
    {
        Should.Throw<DomainRuleException>(() => At(1, 100).Advance(At(1, 99)));
        Should.Throw<DomainRuleException>(() => At(2, 0).Advance(At(1, 1000)));
    }

    [Fact]
    public void Advance_ToAnotherStream_IsRefused()
    {
        Should.Throw<DomainRuleException>(() => At(0, 1).Advance(new Checkpoint("csv", "/data/eth.csv", 0, 2, 0, "{}")));
    }
}

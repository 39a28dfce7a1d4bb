using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Identity;
using Kasparro.Application.Identity.MergeAssets;
using Kasparro.Application.Identity.Ports;
using Kasparro.Application.Identity.SplitAsset;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Markets;
using Microsoft.Extensions.Time.Testing;

namespace Kasparro.UnitTests.Application;

/// <summary>What a split or a merge decides from what is stored, before anything is stored.</summary>
public sealed class IdentityCorrectionTests
{
    private const string Operator = "admin:0123456789ab";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly Asset _luna = new(Guid.CreateVersion7(Now), Ticker.FromStored("LUNA"), "Terra", 193_588_785m, Now);
    private readonly Asset _other = new(Guid.CreateVersion7(Now), Ticker.FromStored("LUNA"), "Terra", null, Now);

    private static MappedKey Mapped(Asset asset, string source, string id, string? latestName = null, string latestTicker = "LUNA") =>
        new(
            new AssetSourceMapping(new SourceKey(source, id), asset.Id, MappingMethod.SymbolAndName, 1m, Now),
            latestName is null ? null : new LatestQuote(latestTicker, latestName, 1m, 10m, Now));

    private static SplitAssetCommand Split(Guid assetId, params (string, string)[] keys) =>
        SplitAssetCommand.Parse(assetId.ToString(), [.. keys.Select(k => ((string?)k.Item1, (string?)k.Item2))], "two coins", Operator);

    [Fact]
    public async Task Split_MovesTheNamedMappingsToANewAssetNamedByTheirNewestQuote()
    {
        var store = new ScriptedCorrections(new CorrectionSnapshot(
            [_luna],
            [Mapped(_luna, "coinpaprika", "luna-terra", "Terra Classic", "LUNC"), Mapped(_luna, "coinpaprika", "luna-terra-v2"), Mapped(_luna, "csv", "LUNA")],
            []));

        var result = await new SplitAssetHandler(store, _time).Handle(Split(_luna.Id, ("coinpaprika", "luna-terra")), CancellationToken.None);

        var correction = store.Stored.ShouldNotBeNull();
        correction.Kind.ShouldBe(CorrectionKind.Split);
        correction.NewAsset.ShouldNotBeNull();
        (correction.NewAsset.Ticker.Value, correction.NewAsset.Name).ShouldBe(("LUNC", "Terra Classic"));
        correction.Moved.ShouldBe([new SourceKey("coinpaprika", "luna-terra")]);
        correction.After.Single(s => s.AssetId == correction.NewAsset.Id).Mappings.ShouldHaveSingleItem().Method.ShouldBe(MappingMethod.Manual);
        correction.After.Single(s => s.AssetId == _luna.Id).Mappings.Select(m => m.Key.SourceAssetId).ShouldBe(["luna-terra-v2", "LUNA"]);
        correction.Before.ShouldHaveSingleItem().Mappings.Count.ShouldBe(3);
        (correction.Who, correction.Reason).ShouldBe((Operator, "two coins"));
        (result.AssetId, result.OtherAssetId, result.QuotesMoved, result.DecisionId, result.Changed).ShouldBe((_luna.Id, correction.NewAsset.Id, 42L, (long?)7, true));
        result.Moved.ShouldBe([new MovedMapping("coinpaprika", "luna-terra")]);
    }

    [Fact]
    public async Task Split_ThatWouldGiveTheNewAssetTwoIdsOfOneCatalog_IsAConflict()
    {
        var store = new ScriptedCorrections(new CorrectionSnapshot(
            [_luna], [Mapped(_luna, "coinpaprika", "luna-terra"), Mapped(_luna, "coinpaprika", "luna-terra-v2"), Mapped(_luna, "coingecko", "terra-luna-2")], []));

        var conflict = await Should.ThrowAsync<ConflictException>(() =>
            new SplitAssetHandler(store, _time).Handle(Split(_luna.Id, ("coinpaprika", "luna-terra"), ("coinpaprika", "luna-terra-v2")), CancellationToken.None));

        conflict.Message.ShouldContain("two coinpaprika ids");
        store.Stored.ShouldBeNull();
    }

    [Fact]
    public async Task Split_OfEveryMapping_OrOfAMappingOnAnotherAsset_IsAConflict_AndOfAnUnknownOne_NotFound()
    {
        var store = new ScriptedCorrections(new CorrectionSnapshot(
            [_luna, _other], [Mapped(_luna, "coinpaprika", "luna-terra"), Mapped(_other, "coingecko", "terra-luna")], []));
        var handler = new SplitAssetHandler(store, _time);

        (await Should.ThrowAsync<ConflictException>(() => handler.Handle(Split(_luna.Id, ("coinpaprika", "luna-terra")), CancellationToken.None)))
            .Message.ShouldContain("at least one mapping");
        (await Should.ThrowAsync<ConflictException>(() => handler.Handle(Split(_luna.Id, ("coingecko", "terra-luna")), CancellationToken.None)))
            .Message.ShouldContain($"belongs to asset {_other.Id}");
        await Should.ThrowAsync<NotFoundException>(() => handler.Handle(Split(_luna.Id, ("coingecko", "nothing")), CancellationToken.None));
        store.Stored.ShouldBeNull();
    }

    [Fact]
    public async Task Split_MadeAgain_ChangesNothingAndAnswersAsBefore()
    {
        var store = new ScriptedCorrections(new CorrectionSnapshot(
            [_luna, _other],
            [Mapped(_luna, "coinpaprika", "luna-terra-v2"), Mapped(_other, "coinpaprika", "luna-terra")],
            [new PastCorrection(5, CorrectionKind.Split, _luna.Id, _other.Id)]));

        var result = await new SplitAssetHandler(store, _time).Handle(Split(_luna.Id, ("coinpaprika", "luna-terra")), CancellationToken.None);

        store.Stored.ShouldBeNull();
        (result.OtherAssetId, result.DecisionId, result.QuotesMoved, result.Changed).ShouldBe((_other.Id, (long?)5, 0L, false));
    }

    [Fact]
    public async Task Split_WhileASourceOfItIsRunning_IsAConflictNamingIt()
    {
        var store = new ScriptedCorrections(new CorrectionSnapshot([_luna], [Mapped(_luna, "coinpaprika", "luna-terra"), Mapped(_luna, "csv", "LUNA")], []))
        {
            Busy = ["csv"],
        };

        var conflict = await Should.ThrowAsync<ConflictException>(() =>
            new SplitAssetHandler(store, _time).Handle(Split(_luna.Id, ("csv", "LUNA")), CancellationToken.None));

        ((IEnumerable<string>)conflict.Details["running_sources"]!).ShouldBe(["csv"]);
    }

    [Fact]
    public async Task Merge_FoldsEveryMappingIntoTheKeptAsset_AndRefusesTwoIdsOfOneCatalog()
    {
        var store = new ScriptedCorrections(new CorrectionSnapshot(
            [_luna, _other], [Mapped(_luna, "coinpaprika", "luna-terra-v2"), Mapped(_other, "coingecko", "terra-luna-2"), Mapped(_other, "csv", "LUNA")], []));

        var result = await new MergeAssetsHandler(store).Handle(
            MergeAssetsCommand.Parse(_other.Id.ToString(), _luna.Id.ToString(), "one coin", Operator), CancellationToken.None);

        var correction = store.Stored.ShouldNotBeNull();
        correction.Kind.ShouldBe(CorrectionKind.Merge);
        correction.Moved.ShouldBe([new SourceKey("coingecko", "terra-luna-2"), new SourceKey("csv", "LUNA")]);
        correction.After.ShouldHaveSingleItem().Mappings.Count.ShouldBe(3);
        (result.AssetId, result.OtherAssetId, result.Changed).ShouldBe((_luna.Id, _other.Id, true));

        var clash = new ScriptedCorrections(new CorrectionSnapshot(
            [_luna, _other], [Mapped(_luna, "coinpaprika", "luna-terra-v2"), Mapped(_other, "coinpaprika", "luna-terra")], []));
        var conflict = await Should.ThrowAsync<ConflictException>(() => new MergeAssetsHandler(clash).Handle(
            MergeAssetsCommand.Parse(_other.Id.ToString(), _luna.Id.ToString(), "one coin", Operator), CancellationToken.None));
        conflict.Message.ShouldContain("two coinpaprika ids (luna-terra, luna-terra-v2)");
    }

    [Fact]
    public async Task Merge_MadeAgain_ChangesNothing_AndIntoAnotherAssetIsAConflictNamingWhereItWent()
    {
        var gone = Guid.CreateVersion7(Now);
        var store = new ScriptedCorrections(new CorrectionSnapshot([_luna, _other], [], [new PastCorrection(9, CorrectionKind.Merge, _luna.Id, gone)]));

        var replay = await new MergeAssetsHandler(store).Handle(MergeAssetsCommand.Parse(gone.ToString(), _luna.Id.ToString(), "again", Operator), CancellationToken.None);
        var elsewhere = await Should.ThrowAsync<ConflictException>(() => new MergeAssetsHandler(store).Handle(
            MergeAssetsCommand.Parse(gone.ToString(), _other.Id.ToString(), "again", Operator), CancellationToken.None));

        (replay.Changed, replay.DecisionId).ShouldBe((false, (long?)9));
        elsewhere.Details["merged_into"].ShouldBe(_luna.Id);
        store.Stored.ShouldBeNull();
    }

    /// <summary>Hands a fixed snapshot to the decision and keeps what it decided, as if stored with decision 7 and 42 quotes.</summary>
    private sealed class ScriptedCorrections(CorrectionSnapshot snapshot) : IIdentityCorrections
    {
        public IdentityCorrection? Stored { get; private set; }

        public IReadOnlyList<string> Busy { get; init; } = [];

        public Task<CorrectionOutcome> CorrectAsync(
            IReadOnlyCollection<Guid> assetIds, IReadOnlyCollection<SourceKey> keys, Func<CorrectionSnapshot, IdentityCorrection?> decide, CancellationToken cancellationToken)
        {
            var correction = decide(snapshot);
            if (correction is null)
            {
                return Task.FromResult(new CorrectionOutcome(null, 0, []));
            }

            if (Busy.Count > 0)
            {
                return Task.FromResult(new CorrectionOutcome(null, 0, Busy));
            }

            Stored = correction;
            return Task.FromResult(new CorrectionOutcome(7, 42, []));
        }
    }
}

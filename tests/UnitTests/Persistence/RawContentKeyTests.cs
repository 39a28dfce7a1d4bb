using System.Security.Cryptography;
using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Infrastructure.Persistence;

namespace Kasparro.UnitTests.Persistence;

public sealed class RawContentKeyTests
{
    private static readonly DateTimeOffset Fetched = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static RawPayload Payload(string json, string? lastUpdated) =>
        new(json, null, SHA256.HashData(Encoding.UTF8.GetBytes(json)), Fetched, RawContentKey.StatedAt(lastUpdated));

    [Fact]
    public void Of_ContentOfALaterMinute_SortsAfterEveryContentOfAnEarlierOne()
    {
        var earlier = Enumerable.Range(0, 200).Select(i => RawContentKey.Of(Payload($$"""{"id":"a{{i}}"}""", "2026-12-06T11:59:59Z"))!.Value).ToList();
        var later = Enumerable.Range(0, 200).Select(i => RawContentKey.Of(Payload($$"""{"id":"b{{i}}"}""", "2026-12-06T12:00:00Z"))!.Value).ToList();

        later.Min().ShouldBeGreaterThan(earlier.Max());
        earlier.Concat(later).Distinct().Count().ShouldBe(400, "the hash's bits keep the contents of one minute apart");
    }

    [Fact]
    public void Of_TheSameContent_IsTheSameKeyWhenEverItIsRead()
    {
        var json = """{"id":"btc-bitcoin","last_updated":"2023-08-11T08:54:00Z"}""";

        RawContentKey.Of(Payload(json, "2023-08-11T08:54:00Z")).ShouldBe(RawContentKey.Of(Payload(json, "2023-08-11T08:54:00Z") with { FetchedAt = Fetched.AddDays(9) }));
    }

    [Fact]
    public void Of_AStatedMinute_IsTheKeysHighBits()
    {
        var key = RawContentKey.Of(Payload("""{"id":"x"}""", "2000-01-01T00:02:59.999Z"))!.Value;

        (key >> 37).ShouldBe(2, "minutes since 2000-01-01 UTC, to the minute");
        key.ShouldBeGreaterThanOrEqualTo(0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1999-12-31T23:59:59Z")]
    [InlineData("2128-01-01T00:00:00Z")]
    [InlineData("2023-02-30T00:00:00Z")]
    [InlineData("2023-08-11T08:54:00+00:00")]
    [InlineData("2023-08-11T08:54:00Z\n")]
    public void Of_ContentThatStatesNoUsableTime_KeepsTheHashKey(string? lastUpdated)
    {
        var payload = Payload("""{"id":"y"}""", lastUpdated);

        RawContentKey.Of(payload).ShouldBe(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(payload.ContentHash.Span));
    }

    [Fact]
    public void Of_ContentKeptOnlyAsBytes_KeepsTheHashKey()
    {
        var bytes = new byte[] { 0xC3, 0x28 };
        var payload = new RawPayload(null, bytes, SHA256.HashData(bytes), Fetched, RawContentKey.StatedAt("2023-08-11T08:54:00Z"));

        RawContentKey.Of(payload).ShouldBe(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(payload.ContentHash.Span));
    }
}

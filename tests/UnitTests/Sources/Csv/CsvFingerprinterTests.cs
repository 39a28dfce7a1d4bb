using System.Security.Cryptography;
using Kasparro.Infrastructure.Sources.Csv;

namespace Kasparro.UnitTests.Sources.Csv;

public sealed class CsvFingerprinterTests
{
    [Fact]
    public async Task AdvanceTo_GivesTheFingerprintRecomputedFromTheFileAtEveryOffset()
    {
        using var folder = new TempCsvFolder();
        var bytes = new byte[(CsvFingerprinter.HeadSize * 2) + 777];
        new Random(7).NextBytes(bytes);
        var path = folder.Write("random.csv", bytes);
        using var incremental = CsvFingerprinter.AtStart();
        incremental.Append(bytes);
        await using var file = File.OpenRead(path);

        long[] offsets = [0, 1, 2047, 2048, 2049, 4095, 4096, 4097, 10_000, 65_535, 65_536, 65_537, 100_000, bytes.Length];
        foreach (var offset in offsets)
        {
            incremental.AdvanceTo(offset);
            using var recomputed = await CsvFingerprinter.AtAsync(file.SafeFileHandle, offset, 0, CancellationToken.None);

            incremental.HeadLength.ShouldBe(recomputed.HeadLength, $"offset {offset}");
            incremental.HeadHash.ShouldBe(recomputed.HeadHash, $"offset {offset}");
            incremental.AnchorStart.ShouldBe(recomputed.AnchorStart, $"offset {offset}");
            incremental.AnchorHash.ShouldBe(recomputed.AnchorHash, $"offset {offset}");
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(100, 0)]
    [InlineData(2048, 0)]
    [InlineData(2049, 0)]
    [InlineData(4096, 0)]
    [InlineData(4097, 2048)]
    [InlineData(70_000, 67_584)]
    public void Fingerprint_IsTheHeadAndAnAnchorOfTwoToFourKilobytesEndingAtTheOffset(int offset, int anchorStart)
    {
        var bytes = new byte[offset];
        new Random(offset).NextBytes(bytes);
        using var fingerprinter = CsvFingerprinter.AtStart();
        fingerprinter.Append(bytes);

        fingerprinter.AdvanceTo(offset);

        fingerprinter.HeadLength.ShouldBe(Math.Min(offset, CsvFingerprinter.HeadSize));
        fingerprinter.HeadHash.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0, Math.Min(offset, CsvFingerprinter.HeadSize)))));
        fingerprinter.AnchorStart.ShouldBe(anchorStart);
        fingerprinter.AnchorHash.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(anchorStart))));
    }

    [Fact]
    public void AdvanceTo_CountsCrLfAndLoneCrAndLfAsOneLineBreakEach_EvenWhenSplit()
    {
        byte[] text = "a\r\nb\rc\nd\r"u8.ToArray();
        using var fingerprinter = CsvFingerprinter.AtStart();
        fingerprinter.Append(text);
        fingerprinter.Append("\ne"u8);

        fingerprinter.AdvanceTo(text.Length);
        fingerprinter.Lines.ShouldBe(4);
        fingerprinter.AdvanceTo(text.Length + 2);

        fingerprinter.Lines.ShouldBe(4);
    }

    [Fact]
    public void AdvanceTo_BeyondTheBytesRead_IsAProgrammingError()
    {
        using var fingerprinter = CsvFingerprinter.AtStart();
        fingerprinter.Append("abc"u8);

        Should.Throw<InvalidOperationException>(() => fingerprinter.AdvanceTo(4));
    }
}

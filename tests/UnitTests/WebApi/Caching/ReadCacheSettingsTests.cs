using Kasparro.Application.Common.Exceptions;
using Kasparro.WebApi.Caching;

namespace Kasparro.UnitTests.WebApi.Caching;

public sealed class ReadCacheSettingsTests
{
    [Theory]
    [InlineData(null, 64L * 1024 * 1024, true)]
    [InlineData(" ", 64L * 1024 * 1024, true)]
    [InlineData("0", 0L, false)]
    [InlineData("1", 1024L * 1024, true)]
    [InlineData("16384", 16384L * 1024 * 1024, true)]
    public void Parse_AcceptsWholeMegabytes_AndZeroTurnsTheCacheOff(string? text, long bytes, bool enabled)
    {
        var settings = ReadCacheSettings.Parse(text);

        settings.SizeLimitBytes.ShouldBe(bytes);
        settings.Enabled.ShouldBe(enabled);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("64MB")]
    [InlineData("16385")]
    [InlineData("1.5")]
    public void Parse_RefusesAnythingElse_NamingTheVariable(string text) =>
        Should.Throw<ConfigurationException>(() => ReadCacheSettings.Parse(text)).Message.ShouldStartWith($"RESPONSE_CACHE_MB '{text}'");
}

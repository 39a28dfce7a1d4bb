namespace Kasparro.UnitTests.Sources.Http;

public sealed class ApiSourceSettingsTests
{
    [Fact]
    public void ToString_WhenKeyIsSet_SaysSoWithoutShowingIt()
    {
        var settings = TestSettings.Create(key: "cg-secret-0123456789");

        var text = settings.ToString();

        text.ShouldNotContain("cg-secret-0123456789");
        text.ShouldContain("key set");
        text.ShouldContain("testsource");
    }

    [Fact]
    public void ToString_WhenCopiedWithAnotherKey_StillHidesIt()
    {
        var settings = TestSettings.Create(key: "first-secret") with { AuthHeaderValue = "second-secret" };

        $"{settings}".ShouldNotContain("second-secret");
    }
}

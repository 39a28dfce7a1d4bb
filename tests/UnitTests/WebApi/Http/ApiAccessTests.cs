using Kasparro.WebApi.Http;
using Microsoft.Extensions.Configuration;

namespace Kasparro.UnitTests.WebApi.Http;

public sealed class ApiAccessTests
{
    private static ApiAccess From(string? keys, string? admin) =>
        ApiAccess.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["API_KEYS"] = keys, ["ADMIN_TOKEN"] = admin }).Build());

    [Fact]
    public void Keys_MatchExactly_AndNameAPartitionThatIsNotTheKey()
    {
        var access = From(" alpha-key ,beta-key,", null);

        access.KeysRequired.ShouldBeTrue();
        var partition = access.MatchKey("alpha-key");
        partition.ShouldNotBeNull();
        partition.ShouldNotContain("alpha");
        access.MatchKey("beta-key").ShouldNotBe(partition);
        access.MatchKey("alpha-key ").ShouldBeNull();
        access.MatchKey("ALPHA-KEY").ShouldBeNull();
        access.MatchKey("alpha").ShouldBeNull();
        access.MatchKey(string.Empty).ShouldBeNull();
        access.MatchKey(null).ShouldBeNull();
    }

    [Fact]
    public void NoKeys_MeansOpenReads_AndNoAdminToken_MeansNoAdmin()
    {
        var access = From(null, "   ");

        access.KeysRequired.ShouldBeFalse();
        access.AdminEnabled.ShouldBeFalse();
        access.IsAdmin("   ").ShouldBeFalse();
        access.IsAdmin(string.Empty).ShouldBeFalse();
    }

    [Fact]
    public void TheAdminToken_MatchesOnlyItself_AndNeverShowsInText()
    {
        var access = From("k1,k2", "s3cret-admin-token");

        access.IsAdmin("s3cret-admin-token").ShouldBeTrue();
        access.IsAdmin("s3cret-admin-token2").ShouldBeFalse();
        access.IsAdmin(null).ShouldBeFalse();
        access.ToString().ShouldBe("ApiAccess(keys: 2, admin: set)");
    }
}

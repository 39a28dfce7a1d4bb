using Kasparro.Application.Common.Exceptions;
using Kasparro.Infrastructure.Persistence;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Kasparro.IntegrationTests.Persistence;

public sealed class DatabaseUrlTests
{
    [Fact]
    public void ToConnectionString_WhenUrl_ReadsEveryPartAndDecodesCredentials()
    {
        var text = DatabaseUrl.ToConnectionString("postgres://kas%40parro:p%40ss%3Aw%2Frd@db.example.com:6543/market%20data?sslmode=require&application_name=etl");

        var builder = new NpgsqlConnectionStringBuilder(text);
        builder.Host.ShouldBe("db.example.com");
        builder.Port.ShouldBe(6543);
        builder.Database.ShouldBe("market data");
        builder.Username.ShouldBe("kas@parro");
        builder.Password.ShouldBe("p@ss:w/rd");
        builder.SslMode.ShouldBe(SslMode.Require);
        builder.ApplicationName.ShouldBe("etl");
    }

    [Fact]
    public void ToConnectionString_WhenPostgresqlSchemeWithoutPort_UsesTheDefaultPort()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("postgresql://app:secret@localhost/kasparro"));

        builder.Host.ShouldBe("localhost");
        builder.Port.ShouldBe(5432);
        builder.Database.ShouldBe("kasparro");
        builder.Password.ShouldBe("secret");
    }

    [Fact]
    public void ToConnectionString_WhenNpgsqlConnectionString_KeepsIt()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("Host=127.0.0.1;Port=5433;Database=k;Username=u;Password=p;SSL Mode=Disable"));

        builder.Host.ShouldBe("127.0.0.1");
        builder.Port.ShouldBe(5433);
        builder.Password.ShouldBe("p");
        builder.SslMode.ShouldBe(SslMode.Disable);
    }

    [Theory]
    [InlineData("postgres://user:TopSecret42@/nohost")]
    [InlineData("Host=h;Password=TopSecret42;Port=notaport")]
    [InlineData("Host=h;Password=TopSecret42;Bogus Keyword=1")]
    [InlineData("postgres://user:TopSecret42@h/db?sslmode=sometimes")]
    public void ToConnectionString_WhenMalformed_ThrowsConfigurationErrorWithoutThePassword(string value)
    {
        var error = Should.Throw<ConfigurationException>(() => DatabaseUrl.ToConnectionString(value));

        error.Message.ShouldContain("DATABASE_URL");
        error.ToString().ShouldNotContain("TopSecret42");
    }

    [Fact]
    public void DataSource_WhenDatabaseUrlIsUnset_ThrowsConfigurationErrorOnFirstUseOnly()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([]).Build();

        using var database = PostgresDatabase.FromConfiguration(configuration, null);

        Should.Throw<ConfigurationException>(() => database.DataSource).Message.ShouldContain("DATABASE_URL is not set");
    }

    [Fact]
    public void DataSource_TurnsOnAutoPrepareAndKeepsNoPassword()
    {
        using var dataSource = PostgresDatabase.CreateDataSource("Host=127.0.0.1;Username=u;Password=TopSecret42", null);

        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        settings.MaxAutoPrepare.ShouldBe(PostgresDatabase.MaxAutoPrepare);
        dataSource.ConnectionString.ShouldNotContain("TopSecret42");
    }
}

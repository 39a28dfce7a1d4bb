using System.Net.Sockets;
using Kasparro.Infrastructure.Persistence;
using Npgsql;

namespace Kasparro.UnitTests.Persistence;

public sealed class PostgresFailureClassifierTests
{
    private readonly PostgresFailureClassifier _classifier = new();

    private static PostgresException Server(string sqlState) => new("message from the server", "FATAL", "FATAL", sqlState);

    [Theory]
    [InlineData("08006")] // connection failure
    [InlineData("57P01")] // the server is shutting down
    [InlineData("53300")] // too many connections
    [InlineData("28000")] // no such role
    [InlineData("28P01")] // a wrong password
    [InlineData("3D000")] // no such database
    public void AServerThatCannotBeReachedOrEntered_IsAnOutage(string sqlState)
    {
        _classifier.IsUnavailable(Server(sqlState)).ShouldBeTrue();
        _classifier.IsUnavailable(new InvalidOperationException("wrapped", Server(sqlState))).ShouldBeTrue();
    }

    [Theory]
    [InlineData("23505")] // a unique violation
    [InlineData("42P01")] // no such table
    [InlineData("42501")] // a privilege the role lacks
    [InlineData("22003")] // a number out of range
    public void AnErrorInAStatement_IsNotAnOutage(string sqlState) =>
        _classifier.IsUnavailable(Server(sqlState)).ShouldBeFalse();

    [Fact]
    public void ASocketOrDriverFailure_IsAnOutage_AndAnythingElseIsNot()
    {
        _classifier.IsUnavailable(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))).ShouldBeTrue();
        _classifier.IsUnavailable(new SocketException((int)SocketError.TimedOut)).ShouldBeTrue();
        _classifier.IsUnavailable(new InvalidOperationException("a bug")).ShouldBeFalse();
    }
}

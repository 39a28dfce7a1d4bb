using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Runs;
using Kasparro.Application.Runs.GetRun;
using Kasparro.Application.Runs.GetRuns;
using Kasparro.Application.Runs.Ports;
using Kasparro.Application.SchemaDrift.GetSchemaDrift;
using NSubstitute;
using static Kasparro.UnitTests.Application.Runs.RunBuilder;

namespace Kasparro.UnitTests.Application.Runs;

public sealed class RunPagingTests
{
    private readonly IRunReader _reader = Substitute.For<IRunReader>();

    [Fact]
    public async Task GetRuns_WithOneRowMoreThanTheLimit_IssuesACursorAtTheLastRowShown()
    {
        var runs = Enumerable.Range(0, 3).Select(i => Run(startedAt: T0.AddMinutes(-i))).ToList();
        _reader.ReadPageAsync(default!, default, default).ReturnsForAnyArgs(new PageRows<RunDto>(runs, 3));

        var page = await new GetRunsHandler(_reader).Handle(GetRunsQuery.Parse(limit: "2"), CancellationToken.None);

        page.Data.ShouldBe(runs.Take(2));
        page.Pagination.ShouldBe(new ListPagination(2, 0, 2, 3, true, page.Pagination.NextCursor));
        var after = NewestFirstList.ParseCursor(page.Pagination.NextCursor, GetRunsQuery.CursorKind, NewestFirstList.ReadGuidKey);
        after.IsValid.ShouldBeTrue();
        after.Value.ShouldBe(new ListCursor<Guid>(NewestFirstList.Fingerprint([]), runs[1].StartedAt, runs[1].Id));
    }

    [Fact]
    public async Task GetRuns_LastPage_HasNoCursor_AndACursorPageHasNoOffset()
    {
        var cursor = NewestFirstList.Encode(GetRunsQuery.CursorKind, [], T0, Guid.NewGuid().ToString("N"));
        _reader.ReadPageAsync(default!, default, default).ReturnsForAnyArgs(new PageRows<RunDto>([Run()], 1));

        var page = await new GetRunsHandler(_reader).Handle(GetRunsQuery.Parse(cursor: cursor), CancellationToken.None);

        page.Pagination.ShouldBe(new ListPagination(50, null, 1, 1, true, null));
    }

    [Fact]
    public async Task GetRuns_CountsBeyondTenThousand_AreCappedAndMarkedInexact()
    {
        _reader.ReadPageAsync(default!, default, default).ReturnsForAnyArgs(new PageRows<RunDto>([Run()], 10_001));

        var page = await new GetRunsHandler(_reader).Handle(GetRunsQuery.Parse(), CancellationToken.None);

        page.Pagination.Total.ShouldBe(10_000);
        page.Pagination.TotalExact.ShouldBeFalse();
    }

    [Fact]
    public void Cursor_FromAnotherFilterOrList_IsRefused()
    {
        var csvCursor = NewestFirstList.Encode(GetRunsQuery.CursorKind, ["csv"], T0, Guid.NewGuid().ToString("N"));

        ErrorsOf(GetRunsQuery.Parse(source: "coingecko", cursor: csvCursor)).ShouldBe(["cursor"]);
        ErrorsOf(GetRunsQuery.Parse(source: "csv", cursor: csvCursor)).ShouldBeEmpty();
        ErrorsOf(GetRunsQuery.Parse(source: "CSV", cursor: csvCursor)).ShouldBeEmpty();

        var driftCursor = NewestFirstList.Encode(GetSchemaDriftQuery.CursorKind, ["csv"], T0, "42");
        ErrorsOf(GetRunsQuery.Parse(source: "csv", cursor: driftCursor)).ShouldBe(["cursor"]);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("offset=10001", "offset")]
    [InlineData("offset=1.5", "offset")]
    [InlineData("source=kraken", "source")]
    [InlineData("cursor=!!!", "cursor")]
    [InlineData("cursor=WzFd", "cursor")]
    [InlineData("cursor=", "cursor")]
    [InlineData("offset=1&cursor=x", "cursor")]
    public void GetRuns_BadParameters_AreNamed(string query, string expected)
    {
        var values = query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var request = GetRunsQuery.Parse(
            values.GetValueOrDefault("source"), values.GetValueOrDefault("limit"), values.GetValueOrDefault("offset"), values.GetValueOrDefault("cursor"));

        ErrorsOf(request).ShouldBe([expected]);
    }

    [Fact]
    public async Task GetRun_Unknown_IsNotFound_AndMalformed_IsAValidationError()
    {
        _reader.FindAsync(default!, default).ReturnsForAnyArgs([]);
        var handler = new GetRunHandler(_reader);
        var id = Guid.NewGuid();

        (await Should.ThrowAsync<NotFoundException>(() => handler.Handle(GetRunQuery.Parse(id.ToString()), CancellationToken.None))).Key.ShouldBe(id.ToString());
        var malformed = (await new GetRunQueryValidator().ValidateAsync(GetRunQuery.Parse("nope"))).Errors.ShouldHaveSingleItem();
        malformed.PropertyName.ShouldBe("id");
        malformed.ErrorMessage.ShouldBe(GetRunQuery.NotAnId);
    }

    private static List<string> ErrorsOf(GetRunsQuery query) =>
        new GetRunsQueryValidator().Validate(query).Errors.Select(e => e.PropertyName).Distinct().ToList();
}

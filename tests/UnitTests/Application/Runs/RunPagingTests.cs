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
        _reader.ReadPageAsync(default!, default).ReturnsForAnyArgs(new PageRows<RunDto>(runs, 3));

        var page = await new GetRunsHandler(_reader).Handle(new GetRunsQuery(Limit: "2"), CancellationToken.None);

        page.Data.ShouldBe(runs.Take(2));
        page.Pagination.ShouldBe(new ListPagination(2, 0, 2, 3, true, page.Pagination.NextCursor));
        PageCursor.TryDecode(page.Pagination.NextCursor!, GetRunsQuery.CursorKind, [], _ => true, out var after, out _).ShouldBeTrue();
        after.ShouldBe(new PagePosition(runs[1].StartedAt, runs[1].Id.ToString("N")));
    }

    [Fact]
    public async Task GetRuns_LastPage_HasNoCursor_AndACursorPageHasNoOffset()
    {
        var cursor = PageCursor.Encode(GetRunsQuery.CursorKind, [], new PagePosition(T0, Guid.NewGuid().ToString("N")));
        _reader.ReadPageAsync(default!, default).ReturnsForAnyArgs(new PageRows<RunDto>([Run()], 1));

        var page = await new GetRunsHandler(_reader).Handle(new GetRunsQuery(Cursor: cursor), CancellationToken.None);

        page.Pagination.ShouldBe(new ListPagination(50, null, 1, 1, true, null));
    }

    [Fact]
    public async Task GetRuns_CountsBeyondTenThousand_AreCappedAndMarkedInexact()
    {
        _reader.ReadPageAsync(default!, default).ReturnsForAnyArgs(new PageRows<RunDto>([Run()], 10_001));

        var page = await new GetRunsHandler(_reader).Handle(new GetRunsQuery(), CancellationToken.None);

        page.Pagination.Total.ShouldBe(10_000);
        page.Pagination.TotalExact.ShouldBeFalse();
    }

    [Fact]
    public void Cursor_FromAnotherFilterOrList_IsRefused()
    {
        var position = new PagePosition(T0, Guid.NewGuid().ToString("N"));
        var csvCursor = PageCursor.Encode(GetRunsQuery.CursorKind, ["csv"], position);

        ErrorsOf(new GetRunsQuery(Source: "coingecko", Cursor: csvCursor)).ShouldBe(["cursor"]);
        ErrorsOf(new GetRunsQuery(Source: "csv", Cursor: csvCursor)).ShouldBeEmpty();
        ErrorsOf(new GetRunsQuery(Source: "CSV", Cursor: csvCursor)).ShouldBeEmpty();

        var driftCursor = PageCursor.Encode(GetSchemaDriftQuery.CursorKind, ["csv"], new PagePosition(T0, "42"));
        ErrorsOf(new GetRunsQuery(Source: "csv", Cursor: driftCursor)).ShouldBe(["cursor"]);
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
        var request = new GetRunsQuery(
            values.GetValueOrDefault("source"), values.GetValueOrDefault("limit"), values.GetValueOrDefault("offset"), values.GetValueOrDefault("cursor"));

        ErrorsOf(request).ShouldBe([expected]);
    }

    [Fact]
    public async Task GetRun_Unknown_IsNotFound_AndMalformed_IsAValidationError()
    {
        _reader.FindAsync(default!, default).ReturnsForAnyArgs([]);
        var handler = new GetRunHandler(_reader);
        var id = Guid.NewGuid();

        (await Should.ThrowAsync<NotFoundException>(() => handler.Handle(new GetRunQuery(id.ToString()), CancellationToken.None))).Key.ShouldBe(id.ToString());
        (await Should.ThrowAsync<RequestValidationException>(() => handler.Handle(new GetRunQuery("nope"), CancellationToken.None))).Errors.Keys.ShouldBe(["id"]);
        (await new GetRunQueryValidator().ValidateAsync(new GetRunQuery("nope"))).Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("id");
    }

    private static List<string> ErrorsOf(GetRunsQuery query) =>
        new GetRunsQueryValidator().Validate(query).Errors.Select(e => e.PropertyName).Distinct().ToList();
}

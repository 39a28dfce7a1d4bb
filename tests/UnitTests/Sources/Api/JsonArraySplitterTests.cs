using System.Buffers;
using System.Text;
using System.Text.Json;
using Kasparro.Infrastructure.Sources.Api;

namespace Kasparro.UnitTests.Sources.Api;

public sealed class JsonArraySplitterTests
{
    private const string Body = """
        [ {"id":"btc-bitcoin","q":{"USD":{"price":8.73086e-15}},"s":"a\"]}"},
          {"id":"eth-ethereum","n":[1,[2,{"x":null}]]},
          12345678901234567890,
          "text , ] }",
          {} ]
        """;

    /// <summary>Feeds <paramref name="body"/> in pieces as a pipe would: unconsumed bytes come back with the next piece.</summary>
    private static (List<string> Items, bool Ended) Feed(byte[] body, IEnumerable<int> cuts)
    {
        var splitter = new JsonArraySplitter();
        var items = new List<JsonElement>();
        var pending = Array.Empty<byte>();
        var offset = 0;
        foreach (var cut in cuts.Append(body.Length))
        {
            var buffer = new ReadOnlySequence<byte>([.. pending, .. body.AsSpan(offset, cut - offset)]);
            offset = cut;
            var consumed = splitter.Split(buffer, isFinalBlock: cut == body.Length, items);
            pending = buffer.Slice(consumed).ToArray();
        }

        return (items.Select(i => i.GetRawText()).ToList(), splitter.Ended);
    }

    private static List<string> Expected() => [.. JsonDocument.Parse(Body).RootElement.EnumerateArray().Select(i => i.GetRawText())];

    [Fact]
    public void Split_WholeBodyAtOnce_YieldsEveryItemVerbatim()
    {
        var (items, ended) = Feed(Encoding.UTF8.GetBytes(Body), []);

        ended.ShouldBeTrue();
        items.ShouldBe(Expected());
    }

    [Fact]
    public void Split_CutAtEveryByte_YieldsTheSameItems()
    {
        var body = Encoding.UTF8.GetBytes(Body);
        for (var cut = 1; cut < body.Length; cut++)
        {
            var (items, ended) = Feed(body, [cut]);

            ended.ShouldBeTrue($"cut at {cut}");
            items.ShouldBe(Expected(), $"cut at {cut}");
        }
    }

    [Fact]
    public void Split_OneByteAtATime_YieldsTheSameItems()
    {
        var body = Encoding.UTF8.GetBytes(Body);

        var (items, ended) = Feed(body, Enumerable.Range(1, body.Length - 1));

        ended.ShouldBeTrue();
        items.ShouldBe(Expected());
    }

    [Fact]
    public void Split_ReturnsEachItemAsSoonAsItsLastByteArrives()
    {
        var splitter = new JsonArraySplitter();
        var items = new List<JsonElement>();
        var first = new ReadOnlySequence<byte>("""[{"a":1},{"b":"""u8.ToArray());

        var consumed = splitter.Split(first, isFinalBlock: false, items);

        items.Select(i => i.GetRawText()).ShouldBe(["""{"a":1}"""]);
        Encoding.UTF8.GetString(first.Slice(consumed).ToArray()).ShouldBe(""",{"b":""", "the incomplete item (with the comma before it) is left for the next call");
        splitter.Ended.ShouldBeFalse();
    }

    [Theory]
    [InlineData("""[{"a":1},{"b":2}""", 2)] // ends inside the array
    [InlineData("""[{"a":1},{"b":""", 1)]
    [InlineData("""[{"a":1},""", 1)]
    [InlineData("[", 0)]
    [InlineData("""[{"a":1},{"b":2,}]""", 1)] // malformed
    [InlineData("""[{"a":1} {"b":2}]""", 1)]
    [InlineData("""[{"a":tru}]""", 0)]
    public void Split_BrokenBody_ThrowsAfterTheCompleteItemsBeforeTheBreak(string body, int complete)
    {
        var splitter = new JsonArraySplitter();
        var items = new List<JsonElement>();

        Should.Throw<JsonException>(() => splitter.Split(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)), isFinalBlock: true, items));

        items.Count.ShouldBe(complete);
    }

    [Theory]
    [InlineData("""{"error":"not found"}""")]
    [InlineData("42")]
    public void Split_BodyThatIsNotAnArray_Throws(string body)
    {
        var splitter = new JsonArraySplitter();

        var error = Should.Throw<JsonException>(() => splitter.Split(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)), isFinalBlock: true, []));

        error.Message.ShouldContain("not a JSON array");
    }

    [Fact]
    public void Split_EmptyArray_EndsWithNoItems()
    {
        var (items, ended) = Feed("  [ ]  "u8.ToArray(), [3]);

        ended.ShouldBeTrue();
        items.ShouldBeEmpty();
    }
}

using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Kasparro.Domain.Ingestion;

namespace Kasparro.Infrastructure.Sources.Api;

/// <summary>
/// The incremental state of one API listing (a checkpoint stream): per provider id, the <c>last_updated</c> text
/// of what was committed. An item whose <c>last_updated</c> equals the stored one is unchanged and skipped. The
/// checkpoint's state is that map as a JSON object, its position the newest <c>last_updated</c> seen (Unix ms, never
/// below the stored one), generation 0 (or the stored one), rows the number of ids. A listing read to its end keeps only the ids it
/// listed, so coins that left the listing do not pile up in the state.
/// </summary>
internal sealed class ApiListingState
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string source;
    private readonly string stream;
    private readonly Dictionary<string, string> stored;
    private readonly Dictionary<string, string> merged;
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly long generation;
    private long position;

    private ApiListingState(string source, string stream, Dictionary<string, string> stored, long generation, long position)
    {
        this.generation = generation;
        this.source = source;
        this.stream = stream;
        this.stored = stored;
        merged = new Dictionary<string, string>(stored, StringComparer.Ordinal);
        this.position = position;
    }

    /// <summary>Whether the stored state could not be read (it is then ignored and everything is read again).</summary>
    public bool StoredStateUnreadable { get; private init; }

    public int StoredCount => stored.Count;

    public static ApiListingState From(string source, string stream, Checkpoint? checkpoint)
    {
        if (checkpoint is null)
        {
            return new ApiListingState(source, stream, new Dictionary<string, string>(StringComparer.Ordinal), 0, 0);
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var json = JsonDocument.Parse(checkpoint.State);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new ApiListingState(source, stream, map, checkpoint.Generation, checkpoint.Position) { StoredStateUnreadable = true };
            }

            foreach (var entry in json.RootElement.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.String)
                {
                    map[entry.Name] = entry.Value.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            return new ApiListingState(source, stream, new Dictionary<string, string>(StringComparer.Ordinal), checkpoint.Generation, checkpoint.Position) { StoredStateUnreadable = true };
        }

        return new ApiListingState(source, stream, map, checkpoint.Generation, checkpoint.Position);
    }

    public bool IsUnchanged(string id, string lastUpdated) =>
        stored.TryGetValue(id, out var committed) && string.Equals(committed, lastUpdated, StringComparison.Ordinal);

    /// <summary>
    /// Notes an item of the listing. Only an item read without problems is remembered as committed: one refused for
    /// the source's own reasons (a field gone in a schema drift) is read again next time even if it did not change.
    /// </summary>
    public void Saw(string? id, string? lastUpdated, DateTimeOffset? lastUpdatedAt, bool clean)
    {
        if (id is null)
        {
            return;
        }

        seen.Add(id);
        if (clean && lastUpdated is not null)
        {
            merged[id] = lastUpdated;
        }

        if (lastUpdatedAt is { } at)
        {
            position = Math.Max(position, at.ToUnixTimeMilliseconds());
        }
    }

    /// <param name="complete">The listing was read to its end: ids it no longer lists are dropped.</param>
    public Checkpoint Checkpoint(bool complete)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, merged.Count * 48));
        long rows = 0;
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (id, lastUpdated) in merged)
            {
                if (complete && !seen.Contains(id))
                {
                    continue;
                }

                writer.WriteString(id, lastUpdated);
                rows++;
            }

            writer.WriteEndObject();
        }

        return new Checkpoint(source, stream, generation, position, rows, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}

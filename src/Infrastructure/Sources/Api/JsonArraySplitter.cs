using System.Buffers;
using System.Text.Json;

namespace Kasparro.Infrastructure.Sources.Api;

/// <summary>
/// Cuts a top-level JSON array that arrives in pieces into its items. Each call parses every item the bytes so far
/// complete and returns how far it got, so that the next call, with more bytes, resumes at the first incomplete item;
/// nothing is read twice but that item's prefix. Malformed JSON, or a body that ends inside the array, throws a
/// <see cref="JsonException"/> after the complete items before it were added.
/// </summary>
internal sealed class JsonArraySplitter
{
    private JsonReaderState state;
    private bool started;

    /// <summary>The array's closing bracket has been read.</summary>
    public bool Ended { get; private set; }

    /// <param name="buffer">The unconsumed bytes: what the last call did not consume, then what arrived since.</param>
    /// <param name="isFinalBlock">No more bytes will come.</param>
    /// <param name="items">Receives the complete items, in order.</param>
    /// <returns>The end of the last complete item (or bracket): where the next call's buffer must start.</returns>
    public SequencePosition Split(ReadOnlySequence<byte> buffer, bool isFinalBlock, List<JsonElement> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var reader = new Utf8JsonReader(buffer, isFinalBlock, state);
        var consumed = buffer.Start;
        while (!Ended && reader.Read())
        {
            if (!started)
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException($"the body is not a JSON array (it starts with {reader.TokenType})");
                }

                started = true;
            }
            else if (reader.TokenType == JsonTokenType.EndArray)
            {
                Ended = true;
            }
            else
            {
                // Parses the item when the bytes so far hold all of it; otherwise leaves the reader where it was.
                if (!JsonElement.TryParseValue(ref reader, out var item))
                {
                    break;
                }

                items.Add(item!.Value);
            }

            consumed = reader.Position;
            state = reader.CurrentState;
        }

        if (isFinalBlock && !Ended)
        {
            throw new JsonException(started ? "the body ends inside the array" : "the body holds no JSON array");
        }

        return consumed;
    }
}

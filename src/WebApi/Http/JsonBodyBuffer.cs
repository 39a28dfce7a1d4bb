using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kasparro.WebApi.Http;

/// <summary>
/// One reusable serialization buffer (and JSON writer) per thread, for a body serialized before it is written.
/// Serializing is synchronous, so the buffer is the thread's alone from its reset to the caller's copy.
/// </summary>
internal static class JsonBodyBuffer
{
    private const int InitialBytes = 16 * 1024;

    /// <summary>A buffer that grew past this (a very large page) is not kept for the thread's next body.</summary>
    private const int KeptBytes = 512 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    /// <summary>The value as JSON, valid until <see cref="Release"/> or the thread's next call.</summary>
    public static ReadOnlyMemory<byte> Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var output = buffer ??= new ArrayBufferWriter<byte>(InitialBytes);
        output.ResetWrittenCount();
        var json = writer ??= new Utf8JsonWriter(output);
        json.Reset(output);
        JsonSerializer.Serialize(json, value, typeInfo);
        return output.WrittenMemory;
    }

    public static void Release()
    {
        if (buffer is { Capacity: > KeptBytes })
        {
            buffer = null;
            writer = null;
        }
    }
}

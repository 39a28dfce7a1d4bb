using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Kasparro.Application.Common.Queries;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Kasparro.WebApi.Caching;

/// <summary>
/// A read's canonical form and its ETag. The form is the request type's name and the JSON of its parsed values
/// (<see cref="Parsed{T}.Value"/>, the defaults filled in, texts cleaned as the parser cleans them), so two requests that
/// mean the same read share one form however their query strings are spelled or ordered. JSON writes every value in
/// full (instants to the tick, decimals exactly), so two different reads never share one. The API key is not part of
/// it: every key gets the same answer.
/// </summary>
public static class CanonicalQuery
{
    private static readonly JsonSerializerOptions ValuesOnly = new(JsonSerializerDefaults.General)
    {
        Converters = { new ParsedValueConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static string Of<TQuery>(TQuery query) => string.Concat(typeof(TQuery).Name, JsonSerializer.Serialize(query, ValuesOnly));

    /// <summary>A strong ETag: the data version, and 96 bits of the canonical form's SHA-256.</summary>
    public static string ETag(long version, string canonical)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonical), hash);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\"{version}-{Base64Url.EncodeToString(hash[..12])}\"");
    }

    /// <summary>
    /// Whether <c>If-None-Match</c> names this ETag (weak comparison, as RFC 9110 has for it). <c>*</c> is not taken as
    /// a match: it would need to know the answer exists (a 404 must not become a 304), which only the query knows.
    /// </summary>
    public static bool Matches(StringValues ifNoneMatch, string etag)
    {
        if (StringValues.IsNullOrEmpty(ifNoneMatch) || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }

        var ours = new EntityTagHeaderValue(etag);
        return tags.Any(tag => tag.Compare(ours, useStrongComparison: false));
    }

    /// <summary>Writes a <see cref="Parsed{T}"/> as its value alone: whether the request spelled it out does not change the read.</summary>
    private sealed class ParsedValueConverter : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Parsed<>);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(ValueOf<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

        private sealed class ValueOf<T> : JsonConverter<Parsed<T>>
        {
            public override Parsed<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                throw new NotSupportedException("a canonical form is written, never read");

            public override void Write(Utf8JsonWriter writer, Parsed<T> value, JsonSerializerOptions options) =>
                JsonSerializer.Serialize(writer, value.Value, options);
        }
    }
}

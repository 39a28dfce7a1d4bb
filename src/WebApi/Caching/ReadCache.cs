using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using FluentValidation;
using Kasparro.Application.Changes;
using Kasparro.Application.Changes.GetDataVersion;
using Kasparro.Application.Common.Behaviors;
using Kasparro.WebApi.Endpoints.V1;
using Kasparro.WebApi.Http;
using Kasparro.WebApi.Observability;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Kasparro.WebApi.Caching;

/// <summary>
/// Answers a <c>/v1</c> read (docs/decisions/0011-response-cache.md). The request is validated first; then its ETag is
/// made of the data version and the request's canonical form (<see cref="CanonicalQuery"/>), and a matching
/// <c>If-None-Match</c> is answered 304 with no query. Otherwise, while this process hears of every stored change, the
/// answer is looked up in the output cache's store under the listener's epoch, the version and the canonical form, and
/// remembered there after a miss; while it does not, every request is answered from the database and nothing is
/// remembered. What is remembered is the JSON body up to its <c>meta</c>, which each response completes with its own
/// request id and latency: that is why the store is used here rather than the output caching middleware, which would
/// replay the first request's <c>meta</c>. Concurrent misses of one entry ask the database once: the first computes the
/// answer, the others wait for it (and compute their own if it fails or its client goes away), so a change that empties
/// the cache under load does not send one popular read to the database once per waiting connection. Errors (400, 404,
/// 503) are thrown before anything is remembered, and the API key and rate limit are checked before the endpoint runs
/// at all.
/// </summary>
public sealed class ReadCache(IOutputCacheStore store, ReadCacheSettings settings, ResponseCacheInstruments instruments, IOptions<HttpJsonOptions> json)
{
    /// <summary>The one tag of every remembered answer: each read's answer may change with any stored change.</summary>
    public const string Tag = "v1-reads";

    private static readonly ResponseMeta Placeholder = new(string.Empty, 0, "1");
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, Task<byte[]>> _answering = new(StringComparer.Ordinal);
    private DataVersion? _seen;

    /// <param name="respond">The response for the query's result and a <c>meta</c> (the last member of every read's response).</param>
    public async Task<CachedRead<TResponse>> AnswerAsync<TQuery, TResult, TResponse>(
        HttpContext context, TQuery query, Func<TResult, ResponseMeta, TResponse> respond, CancellationToken cancellationToken)
        where TQuery : IRequest<TResult>
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(respond);

        // First: the canonical form is made of parsed values, which an invalid text shares with a valid one.
        await RequestValidation.ThrowIfInvalidAsync(context.RequestServices.GetServices<IValidator<TQuery>>(), query, cancellationToken);
        var mediator = context.RequestServices.GetRequiredService<IMediator>();
        var version = await mediator.Send(new GetDataVersionQuery(), cancellationToken);
        var key = CanonicalQuery.Of(query);
        var etag = CanonicalQuery.ETag(version.Version, key);
        if (CanonicalQuery.Matches(context.Request.Headers.IfNoneMatch, etag))
        {
            instruments.NotModified();
            return CachedRead<TResponse>.NotModified(etag);
        }

        var remember = settings.Enabled && version.Watched;
        if (!remember)
        {
            if (settings.Enabled)
            {
                instruments.Bypassed();
            }

            return CachedRead<TResponse>.Answer(await QueryAsync(mediator, query, respond, cancellationToken), etag);
        }

        var entry = $"{version.Epoch}:{version.Version}:{key}";
        await ForgetSupersededAsync(version, cancellationToken);
        if (await store.GetAsync(entry, cancellationToken) is { } remembered)
        {
            instruments.Hit();
            return CachedRead<TResponse>.Answer(remembered, etag);
        }

        return CachedRead<TResponse>.Answer(await AnswerOnceAsync(entry, mediator, query, respond, cancellationToken), etag);
    }

    /// <summary>
    /// A missed entry's answer, asked of the database by one request at a time: a request that finds the entry being
    /// answered waits for that answer. If that fails or is cancelled, each waiting request asks for itself, so one
    /// client going away or one error never becomes another request's answer.
    /// </summary>
    private async Task<byte[]> AnswerOnceAsync<TQuery, TResult, TResponse>(
        string entry, IMediator mediator, TQuery query, Func<TResult, ResponseMeta, TResponse> respond, CancellationToken cancellationToken)
        where TQuery : IRequest<TResult>
    {
        var mine = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answering = _answering.GetOrAdd(entry, mine.Task);
        if (answering != mine.Task)
        {
            instruments.Coalesced();
            try
            {
                return await answering.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The answering request failed or went away: this one asks for itself below.
            }
        }

        instruments.Miss();
        try
        {
            var answer = await QueryAsync(mediator, query, respond, cancellationToken);
            await store.SetAsync(entry, answer, [Tag], ReadCacheSettings.Lifetime, cancellationToken);
            mine.TrySetResult(answer);
            return answer;
        }
        finally
        {
            // Waiters see a cancelled task when this request threw: they ask for themselves, and no exception object is
            // shared between requests or left unobserved.
            mine.TrySetCanceled(CancellationToken.None);
            _answering.TryRemove(new KeyValuePair<string, Task<byte[]>>(entry, mine.Task));
        }
    }

    private async Task<byte[]> QueryAsync<TQuery, TResult, TResponse>(
        IMediator mediator, TQuery query, Func<TResult, ResponseMeta, TResponse> respond, CancellationToken cancellationToken)
        where TQuery : IRequest<TResult>
    {
        var result = await mediator.Send<TResult>(query, cancellationToken);
        return BodyBeforeMeta(respond(result, Placeholder));
    }

    /// <summary>
    /// Once a request sees a newer version, or a new epoch of the listener, what was remembered before is given back
    /// at once. It could not be served anyway (its entries name an older version or epoch): this frees the memory.
    /// </summary>
    private async ValueTask ForgetSupersededAsync(DataVersion version, CancellationToken cancellationToken)
    {
        string reason;
        lock (_gate)
        {
            if (_seen is not { } seen)
            {
                _seen = version;
                return;
            }

            if (version.Epoch > seen.Epoch)
            {
                reason = "reconnected";
            }
            else if (version.Epoch == seen.Epoch && version.Version > seen.Version)
            {
                reason = "data_changed";
            }
            else
            {
                return;
            }

            _seen = version;
        }

        await store.EvictByTagAsync(Tag, cancellationToken);
        instruments.Evicted(reason);
    }

    /// <summary>The response's JSON up to and including <c>"meta":</c> (its last member, so the only one at that depth found last).</summary>
    private byte[] BodyBeforeMeta<TResponse>(TResponse response)
    {
        var typeInfo = ApiJsonContext.Default.GetTypeInfo(typeof(TResponse)) as JsonTypeInfo<TResponse>
                       ?? (JsonTypeInfo<TResponse>)json.Value.SerializerOptions.GetTypeInfo(typeof(TResponse));
        var body = JsonBodyBuffer.Serialize(response, typeInfo).Span;
        var meta = body.LastIndexOf("\"meta\":"u8);
        if (meta < 0)
        {
            throw new InvalidOperationException($"{typeof(TResponse).Name} has no meta member to complete per request");
        }

        var answer = body[..(meta + "\"meta\":"u8.Length)].ToArray();
        JsonBodyBuffer.Release();
        return answer;
    }
}

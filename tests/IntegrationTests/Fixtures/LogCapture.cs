using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Kasparro.IntegrationTests.Fixtures;

/// <summary>Every log line of an in-process app, as text: category, level, message, state values, scopes and exception.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        private readonly AsyncLocal<List<object?>> _scopes = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            _scopes.Value ??= [];
            _scopes.Value.Add(state);
            return new Scope(_scopes.Value);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(category).Append(' ').Append(logLevel).Append(' ').Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    line.Append(' ').Append(key).Append('=').Append(value);
                }
            }

            foreach (var scope in _scopes.Value ?? [])
            {
                line.Append(" scope=").Append(scope is IEnumerable<KeyValuePair<string, object>> pairs ? string.Join(',', pairs) : scope);
            }

            if (exception is not null)
            {
                line.Append(' ').Append(exception);
            }

            lines.Enqueue(line.ToString());
        }

        private sealed class Scope(List<object?> scopes) : IDisposable
        {
            public void Dispose()
            {
                if (scopes.Count > 0)
                {
                    scopes.RemoveAt(scopes.Count - 1);
                }
            }
        }
    }
}

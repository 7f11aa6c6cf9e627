using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace Vmd.Shell;

/// <summary>
/// An <see cref="ILoggerFactory"/> in front of the shell's own (<c>--verbose</c> or none) that keeps the library's error
/// log lines (events 1070 correctable, 1071 uncorrectable with header log, 1072 "…and N more", 1073 other uncorrectable) as <c>LEVEL [ID] message</c>, so
/// <c>vmd errors</c> can print exactly what the throttle let through. Every event still goes to the inner factory.
/// </summary>
internal sealed class ErrorLogRecorder : ILoggerFactory
{
    /// <summary>The first error event id (correctable error).</summary>
    public const int FirstEventId = 1070;

    /// <summary>The last error event id (uncorrectable errors without a header log).</summary>
    public const int LastEventId = 1073;

    private readonly ILoggerFactory _inner;
    private readonly List<string> _lines = [];
    private readonly object _gate = new();

    public ErrorLogRecorder(ILoggerFactory inner) => _inner = inner;

    /// <summary>Copies the recorded lines, oldest first.</summary>
    public List<string> Lines()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, _inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The shell logger has no providers.");

    public void Dispose()
    {
        // The inner factory belongs to the caller.
    }

    /// <summary>The four-letter level names <c>--verbose</c> prints.</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private void Add(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
        }
    }

    private sealed class Logger(ErrorLogRecorder recorder, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        // Error events are Warning or Error: always wanted here, whatever the inner logger takes.
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning || inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id is >= FirstEventId and <= LastEventId)
            {
                recorder.Add($"{LevelName(logLevel)} [{eventId.Id}] {formatter(state, exception)}");
            }

            if (inner.IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}

using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace Vmd.Core.Tests;

/// <summary>Keeps every log line the library writes, with its event id and level.</summary>
internal sealed class RecordingLogger : ILogger
{
    public List<(int EventId, LogLevel Level, string Message)> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Lines)
        {
            Lines.Add((eventId.Id, logLevel, formatter(state, exception)));
        }
    }

    public int Count(int eventId) => Lines.FindAll(l => l.EventId == eventId).Count;
}

/// <summary>Hands the same <see cref="RecordingLogger"/> to every category.</summary>
internal sealed class RecordingLoggerFactory(RecordingLogger logger) : ILoggerFactory
{
    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => logger;

    public void Dispose()
    {
    }
}

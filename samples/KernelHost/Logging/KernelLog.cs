using System;
using System.IO;
using Microsoft.Extensions.Logging;

namespace KernelHost.Logging;

/// <summary>
/// The kernel's <c>printk</c> as an <see cref="ILoggerFactory"/>: one line per event at or above a level, to a
/// writer (a serial port in a kernel). The library logs through <c>[LoggerMessage]</c> methods, so nothing formats
/// below the level.
/// </summary>
public sealed class KernelLog : ILoggerFactory, ILogger
{
    private readonly TextWriter _writer;
    private readonly LogLevel _minimum;

    /// <summary>Creates the log writing to <paramref name="writer"/> from <paramref name="minimum"/> up.</summary>
    public KernelLog(TextWriter writer, LogLevel minimum)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _minimum = minimum;
    }

    /// <summary>Lines written so far.</summary>
    public int Lines { get; private set; }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
        // One sink only: a kernel has one console.
    }

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel >= _minimum && logLevel != LogLevel.None;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            lock (_writer)
            {
                _writer.WriteLine($"  log {eventId.Id} {logLevel}: {formatter(state, exception)}");
                Lines++;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The writer belongs to the caller.
    }
}

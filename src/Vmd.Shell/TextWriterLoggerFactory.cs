using System;
using System.IO;
using Microsoft.Extensions.Logging;

namespace Vmd.Shell;

/// <summary>A minimal logger for <c>--verbose</c>: one line per event with its id, on standard error.</summary>
internal sealed class TextWriterLoggerFactory : ILoggerFactory
{
    private readonly TextWriter _writer;

    public TextWriterLoggerFactory(TextWriter writer) => _writer = writer;

    public ILogger CreateLogger(string categoryName) => new Logger(_writer);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The shell logger has no providers.");

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string level = logLevel switch
            {
                LogLevel.Trace => "trce",
                LogLevel.Debug => "dbug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warn",
                LogLevel.Error => "fail",
                _ => "crit",
            };
            writer.WriteLine($"{level} [{eventId.Id}] {formatter(state, exception)}");
        }
    }
}

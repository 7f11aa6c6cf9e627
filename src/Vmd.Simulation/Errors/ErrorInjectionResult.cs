namespace Vmd.Simulation.Errors;

/// <summary>What one injected error did: its class, and what became of its message.</summary>
/// <param name="Severity">Correctable, non-fatal or fatal as the function classified it (severity register at that moment).</param>
/// <param name="Message">Whether the error message was masked, not enabled, blocked or delivered.</param>
public readonly record struct ErrorInjectionResult(ErrorSeverity Severity, ErrorMessageOutcome Message);

namespace Kasparro.Domain.Common;

/// <summary>Thrown when code asks an entity for a transition its rules forbid (a programming error, not bad input).</summary>
public sealed class DomainRuleException(string message) : InvalidOperationException(message);

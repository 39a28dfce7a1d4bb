namespace Kasparro.Application.Common.Behaviors;

/// <summary>A request expected to take longer than a second (an ingestion run, migrations): not logged as slow.</summary>
public interface ILongRunningRequest;

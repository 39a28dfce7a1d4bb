namespace Kasparro.IntegrationTests.Delivery;

/// <summary>
/// End-to-end tests that drive real server processes against wall-clock budgets (the server's 10 s request timeout,
/// the rate limiter's window): xunit runs this collection by itself, after the parallel ones, so the other tests'
/// load on the two cores cannot stretch a request past its timeout.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone: real servers on a wall clock";
}

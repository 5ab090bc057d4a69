namespace StoriesFunctions.Tests;

/// <summary>
/// Categories the test commands select on. The README's command runs everything but <see cref="Faults"/> and
/// <see cref="Slow"/>; <c>.ci/run</c> then runs those two as well.
/// </summary>
public static class TestCategories
{
    /// <summary>Under the real Functions host (<c>func start</c>); skipped when <c>func</c> is not on PATH.</summary>
    public const string Host = "Host";

    /// <summary>Minutes-long outages of our own storage and killed hosts, under the real host only.</summary>
    public const string Faults = "Faults";

    /// <summary>
    /// A larger case of a proof the default run keeps a smaller case of (more instances, more events, more processes):
    /// half a minute or more each.
    /// </summary>
    public const string Slow = "Slow";
}

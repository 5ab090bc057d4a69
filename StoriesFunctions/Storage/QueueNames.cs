namespace StoriesFunctions.Storage;

/// <summary>The queue names are a public contract: operators and the host bindings use them.</summary>
public static class QueueNames
{
    public const string Events = "segment-events";
    public const string Poison = "segment-events-poison";

    /// <summary>
    /// Where the host would move a poison message whose adoption failed <c>maxDequeueCount</c> times. Adoption defers
    /// itself instead of failing, so only crashes lead here; it is adopted like the poison queue, never left to expire.
    /// </summary>
    public const string PoisonOfPoison = "segment-events-poison-poison";

    /// <summary>Pieces of dead-letter replay and purge jobs: one message per piece, naming the job.</summary>
    public const string Jobs = "deadletter-jobs";

    /// <summary>Where the host moves a job's piece after maxDequeueCount failed tries: the job is then marked failed.</summary>
    public const string JobsPoison = "deadletter-jobs-poison";

    /// <summary>Passes of erasure jobs: one message per pass, naming the job and the user (the only place the id is kept).</summary>
    public const string Erasures = "erasure-jobs";

    /// <summary>Where the host moves an erasure's pass after maxDequeueCount failed tries: the job is then marked failed.</summary>
    public const string ErasuresPoison = "erasure-jobs-poison";
}

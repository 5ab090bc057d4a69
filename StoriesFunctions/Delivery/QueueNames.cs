namespace StoriesFunctions.Delivery;

/// <summary>The queue names are a public contract: operators and the host bindings use them.</summary>
public static class QueueNames
{
    public const string Events = "segment-events";
    public const string Poison = "segment-events-poison";

    /// <summary>Pieces of dead-letter replay and purge jobs: one message per piece, naming the job.</summary>
    public const string Jobs = "deadletter-jobs";

    /// <summary>Where the host moves a job's piece after maxDequeueCount failed tries: the job is then marked failed.</summary>
    public const string JobsPoison = "deadletter-jobs-poison";
}

namespace StoriesFunctions.Erasure;

public static class ErasureReasons
{
    /// <summary>Why an event of an erased user is skipped, at the webhook and in delivery: a fixed string, safe as a metric dimension.</summary>
    public const string UserErased = "user erased";
}

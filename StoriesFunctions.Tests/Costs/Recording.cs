using System.Text.Json.Serialization;

namespace StoriesFunctions.Tests.Costs;

/// <summary>
/// What one run of the app under a traffic shape used, as committed under docs/costs/recordings/*.json. Plans are
/// applied to it afterwards, so one recording prices every plan and memory size.
/// </summary>
/// <param name="Tenant">The traffic shape it stands for: "idle", "classic", "batched", "replay" (see <see cref="TenantShapes"/>).</param>
/// <param name="Compression">How recorded time relates to real time. Periods are computed on recorded time as it is, so a
/// recording must keep real inter-arrival gaps and real durations; it may record a representative window of the month
/// instead of all of it (that is what <paramref name="Scale"/> undoes), never a sped-up one.</param>
/// <param name="From">Start of the recorded span.</param>
/// <param name="To">End of the recorded span: an idle instance's fixed share is pro rata to it.</param>
/// <param name="Scale">The factor that turns this recording into one month of the tenant's traffic (for "replay": into
/// the whole replay). Every count and period total is multiplied by it.</param>
/// <param name="Events">Segment events the run ingested (or, for a replay, delivered).</param>
/// <param name="Invocations">Every function execution, from the host's request telemetry.</param>
/// <param name="TelemetryBytes">Bytes of every telemetry item as the ingestion endpoint received it (uncompressed JSON).</param>
/// <param name="PeakMemoryMiB">Host and worker peak resident memory: what the Consumption plan would meter.</param>
public sealed record Recording(
    string Tenant,
    string Description,
    string Compression,
    DateTimeOffset From,
    DateTimeOffset To,
    decimal Scale,
    long Events,
    IReadOnlyList<Invocation> Invocations,
    StorageOperations Storage,
    long TelemetryBytes,
    int PeakMemoryMiB)
{
    [JsonIgnore]
    public TimeSpan Span => To - From;

    /// <summary>What this recording uses on the deployment's plan, as recorded (not scaled).</summary>
    public Usage UsageOn(Deployment deployment)
    {
        var compute = deployment.Plan switch
        {
            HostingPlan.FlexConsumption => FlexConsumption.Meter([.. Invocations], deployment.InstanceMemoryMB, deployment.AlwaysReady),
            HostingPlan.WindowsConsumption => WindowsConsumption.Meter([.. Invocations], PeakMemoryMiB),
        };
        return compute with { Storage = Storage, TelemetryBytes = TelemetryBytes };
    }

    /// <summary>What the tenant's traffic uses in a month (for "replay", in the whole replay) on the deployment's plan.</summary>
    public Usage ScaledUsageOn(Deployment deployment) => UsageOn(deployment).Scaled(Scale);
}

namespace StoriesFunctions.Tests.Costs;

/// <summary>The instance Flex Consumption bills an invocation to: a per-function scale group and an instance in it.</summary>
public sealed record BillingInstance(string Group, string Instance);

/// <summary>
/// Flex Consumption's per-function scaling: which functions share instances.
/// https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#per-function-scaling :
/// "All HTTP triggered functions in the app are grouped and scale together in the same instances, and all Durable
/// triggered functions (Orchestration, Activity, or Entity triggers) are grouped and scale together in the same
/// instances, and all Blob (Event Grid) functions are grouped and scale together in the same instances. All other
/// functions in the app are scaled individually into their own instances." The groups table names them `http`,
/// `blob` and `durable`; "All other functions in the app are scaled individually in their own set of instances,
/// which are referenced using the convention `function:&lt;NAMED_FUNCTION&gt;`."
/// </summary>
public static class ScaleGroups
{
    public static string Of(Invocation invocation) => invocation.Trigger switch
    {
        Trigger.Http => "http",
        Trigger.Blob => "blob",
        Trigger.Durable => "durable",
        Trigger.Queue or Trigger.Timer or Trigger.Other => $"function:{invocation.Function}",
    };

    /// <summary>
    /// A recording made on one host has one instance id for every function; on Flex Consumption each group runs on
    /// instances of its own, so the same host instance id in two groups is two billed instances.
    /// </summary>
    public static BillingInstance InstanceOf(Invocation invocation) => new(Of(invocation), invocation.Instance);
}

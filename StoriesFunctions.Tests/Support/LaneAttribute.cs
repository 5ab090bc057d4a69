using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// Makes a namespace's set-up fixture a lane: its fixtures run one after another on one NUnit worker (as
/// <see cref="SingleThreadedAttribute"/> does), beside other lanes. Unlike <see cref="SingleThreadedAttribute"/> alone,
/// async tests keep thread-pool continuations: NUnit would otherwise give each one a single-threaded synchronization
/// context that fails the whole run when work a test started (a hosted service, a fire-and-forget relay) posts to it
/// after the test ended. The lane's thread gets a context that posts to the thread pool, which NUnit leaves in place.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LaneAttribute : NUnitAttribute, IApplyToContext
{
    /// <summary>True when the lane's tests get an Azurite of their own.</summary>
    public bool OwnStorage { get; init; }

    /// <summary>The lane <paramref name="test"/> runs in that has storage of its own, if any: its set-up fixture's type.</summary>
    public static Type? WithOwnStorage(ITest? test)
    {
        for (; test is not null; test = test.Parent)
        {
            var type = test.TypeInfo?.Type;
            if (type is not null && type.GetCustomAttributes(typeof(LaneAttribute), inherit: false) is [LaneAttribute { OwnStorage: true }])
            {
                return type;
            }
        }

        return null;
    }

    public void ApplyToContext(TestExecutionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.IsSingleThreaded = true;
        SynchronizationContext.SetSynchronizationContext(new ThreadPoolContext());
        context.UpdateContextFromEnvironment();
    }

    /// <summary>Posts continuations to the thread pool, as no context at all would, but is not the base type.</summary>
    private sealed class ThreadPoolContext : SynchronizationContext
    {
        public override SynchronizationContext CreateCopy() => new ThreadPoolContext();
    }
}

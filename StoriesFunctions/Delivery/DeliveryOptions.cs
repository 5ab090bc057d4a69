using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace StoriesFunctions.Delivery;

/// <summary>Settings under <c>Delivery__</c>: the retry schedule across queue re-deliveries, and de-duplication.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Delay before the second attempt; each later one grows threefold, with jitter.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Delivery attempts before the remaining events become dead letters (10 spans over four hours).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How long a delivered <c>messageId</c> is remembered, so that a late copy is not sent again.</summary>
    public TimeSpan DedupeRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Time one invocation spends on a message's events before handing the rest to a fresh message, keeping well
    /// inside the host's <c>functionTimeout</c>.
    /// </summary>
    public TimeSpan InvocationBudget { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a copy's claim on an event keeps other copies from posting it. It must outlast everything done under a
    /// claim: two Stories calls (an identify's upsert and event), each with its quick retries and the reading of its
    /// answer (<c>Stories__AttemptTimeout</c> and friends: 2 × 60 s with the defaults); when the holder dies, the event
    /// waits this long.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(3);
}

// Reads the Stories settings as bound, not through IOptions: their own validator reports their own errors, once.
internal sealed class DeliveryOptionsValidator(IConfiguration configuration) : IValidateOptions<DeliveryOptions>
{
    // A queue message's visibility delay can be at most 7 days.
    private static readonly TimeSpan MaxQueueDelay = TimeSpan.FromDays(7);

    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var errors = new List<string>();
        if (options.InitialRetryDelay <= TimeSpan.Zero)
        {
            errors.Add("Delivery__InitialRetryDelay must be positive (e.g. 00:00:30).");
        }

        if (options.MaxRetryDelay < options.InitialRetryDelay || options.MaxRetryDelay > MaxQueueDelay)
        {
            errors.Add("Delivery__MaxRetryDelay must be at least Delivery__InitialRetryDelay and at most 7 days.");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            errors.Add("Delivery__MaxAttempts must be between 1 and 100.");
        }

        if (options.DedupeRetention < TimeSpan.FromMinutes(1))
        {
            errors.Add("Delivery__DedupeRetention must be at least one minute (e.g. 7.00:00:00).");
        }

        if (options.InvocationBudget <= TimeSpan.Zero)
        {
            errors.Add("Delivery__InvocationBudget must be positive.");
        }

        if (options.ClaimLease < TimeSpan.FromSeconds(1) || options.ClaimLease > TimeSpan.FromHours(1))
        {
            errors.Add("Delivery__ClaimLease must be between 1 second and 1 hour (e.g. 00:02:00).");
        }
        else if (StoriesCall() is { } stories && options.ClaimLease <= stories * 2)
        {
            // A lease that runs out while its holder still waits on Stories lets a second copy post the same event. Under
            // one claim an identify makes two calls (the user upsert, then the event), each with its quick retries.
            errors.Add($"Delivery__ClaimLease ({options.ClaimLease}) must be longer than two Stories calls with their quick retries and answers ({stories * 2}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private TimeSpan? StoriesCall()
    {
        try
        {
            var stories = new Stories.StoriesOptions();
            configuration.GetSection(Stories.StoriesOptions.Section).Bind(stories);
            return stories.CallTimeout;
        }
        catch (InvalidOperationException)
        {
            return null; // unreadable Stories settings: their own validation says so
        }
    }
}

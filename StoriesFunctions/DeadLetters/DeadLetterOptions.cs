using Microsoft.Extensions.Options;
using StoriesFunctions.Budget;

namespace StoriesFunctions.DeadLetters;

/// <summary>Settings under <c>DeadLetters__</c>: how long dead letters are kept, and how big a piece of a job is.</summary>
public sealed class DeadLetterOptions
{
    public const string Section = "DeadLetters";

    /// <summary>Days a dead letter is kept before it is purged, event and all; 0 keeps them until an operator acts.</summary>
    public int RetentionDays { get; set; }

    /// <summary>Dead letters one piece of a replay or purge job handles: seconds of work, far inside a function timeout.</summary>
    public int JobPieceSize { get; set; } = 200;

    /// <summary>
    /// Wait before a piece that storage failed runs again; it doubles with each failure in a row, up to 16 times this,
    /// and the job is marked failed after <see cref="DeadLetterJobPiece.MaxFailures"/>.
    /// </summary>
    public TimeSpan JobRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}

internal sealed class DeadLetterOptionsValidator : IValidateOptions<DeadLetterOptions>
{
    public ValidateOptionsResult Validate(string? name, DeadLetterOptions options)
    {
        var errors = new List<string>();
        if (options.RetentionDays is < 0 or > 3650)
        {
            errors.Add("DeadLetters__RetentionDays must be 0 (keep until an operator acts) or a number of days up to 3650.");
        }

        if (options.JobPieceSize is < 1 or > 1000)
        {
            errors.Add("DeadLetters__JobPieceSize must be between 1 and 1000.");
        }

        if (options.JobRetryDelay <= TimeSpan.Zero || options.JobRetryDelay > TimeSpan.FromMinutes(10))
        {
            errors.Add("DeadLetters__JobRetryDelay must be more than zero and at most 00:10:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

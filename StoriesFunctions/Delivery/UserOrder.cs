using System.Text.Json;

namespace StoriesFunctions.Delivery;

/// <summary>
/// A per-user barrier over one message, after RudderStack's: once one of a user's events is deferred, that user's later
/// events in the message are deferred with it, with the same delay and in the same envelope behind it, so they reach
/// Stories in call order. Other users go on. No I/O. Order across separate calls is not promised (Segment does not
/// promise it either).
/// </summary>
internal sealed class UserOrder
{
    private readonly Dictionary<string, (TimeSpan Delay, bool Scheduled)> _held = new(StringComparer.Ordinal);

    /// <summary>The delay of the user's deferred event, when one of this user's events was deferred.</summary>
    public bool IsHeld(EnvelopeEvent item, out TimeSpan delay) => IsHeld(item, out delay, out _);

    /// <summary>The delay of the user's deferred event, and whether it waits on budget slots reserved for it.</summary>
    public bool IsHeld(EnvelopeEvent item, out TimeSpan delay, out bool scheduled)
    {
        (delay, scheduled) = (default, false);
        if (UserOf(item) is { } user && _held.TryGetValue(user, out var held))
        {
            (delay, scheduled) = held;
            return true;
        }

        return false;
    }

    /// <summary>Holds the user's later events behind this one, with its delay (and its envelope: same delay, same kind).</summary>
    public void Hold(EnvelopeEvent item, TimeSpan delay, bool scheduled = false)
    {
        if (UserOf(item) is { } user)
        {
            _held.TryAdd(user, (delay, scheduled));
        }
    }

    /// <summary><c>userId</c> as sent: a string, or a number's text (libraries send both; see the reference).</summary>
    internal static string? UserOf(EnvelopeEvent item) =>
        item.Event.ValueKind == JsonValueKind.Object && item.Event.TryGetProperty("userId"u8, out var id)
            ? id.ValueKind switch
            {
                JsonValueKind.String => id.GetString(),
                JsonValueKind.Number => id.GetRawText(),
                _ => null,
            }
            : null;
}

using System.Text.Json;
using StoriesFunctions.Delivery;

namespace StoriesFunctions.Tests.Delivery;

public class UserOrderTests
{
    private static EnvelopeEvent Event(string userIdJson) =>
        new("m", DateTimeOffset.UnixEpoch, JsonDocument.Parse($"{{\"type\":\"track\",\"userId\":{userIdJson}}}").RootElement.Clone());

    [Test]
    public void IsHeld_AfterTheUsersEventWasDeferred_GivesItsDelay()
    {
        var order = new UserOrder();
        order.Hold(Event("\"u-1\""), TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(order.IsHeld(Event("\"u-1\""), out var delay), Is.True);
            Assert.That(delay, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(order.IsHeld(Event("\"u-2\""), out _), Is.False, "other users go on");
        });
    }

    [Test]
    public void Hold_Twice_KeepsTheFirstDelaySoTheUsersEventsTravelTogether()
    {
        var order = new UserOrder();
        order.Hold(Event("\"u-1\""), TimeSpan.FromSeconds(30));
        order.Hold(Event("\"u-1\""), TimeSpan.FromHours(1));

        order.IsHeld(Event("\"u-1\""), out var delay);

        Assert.That(delay, Is.EqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void UserOf_NumericUserId_IsItsText() =>
        Assert.That(UserOrder.UserOf(Event("42")), Is.EqualTo("42"));
}

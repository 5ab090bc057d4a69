using System.Text.Json;
using StoriesFunctions.Stories;

namespace StoriesFunctions.Tests.Stories;

public class UserTraitsTests
{
    private static JsonElement Traits(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [TestCase("{\"name\": \"  Ada Lovelace \"}", "Ada Lovelace")]
    [TestCase("{\"firstName\": \"Peter\", \"lastName\": \"Gibbons\"}", "Peter Gibbons")]
    [TestCase("{\"first_name\": \"Peter\", \"last_name\": \"Gibbons\"}", "Peter Gibbons")]
    [TestCase("{\"name\": \"Ada\", \"firstName\": \"Peter\", \"lastName\": \"Gibbons\"}", "Ada")]
    [TestCase("{\"firstName\": \"Peter\"}", null)]
    [TestCase("{\"name\": \"\"}", null)]
    [TestCase("{\"name\": 42}", null)]
    [TestCase("{}", null)]
    public void Name_FromReservedTraits(string traits, string? expected) =>
        Assert.That(UserTraits.Name(Traits(traits)), Is.EqualTo(expected));

    [TestCase("{\"email\": \"peter@example.com\"}", "user-1", "peter@example.com")]
    [TestCase("{}", "peter@example.com", "peter@example.com")]
    [TestCase("{}", "user-1", null)]
    [TestCase("{}", "not an@email.com", null)]
    [TestCase("{\"email\": \"a@b.co\"}", "c@d.co", "a@b.co")]
    public void Email_FromTraitsElseUserId(string traits, string userId, string? expected) =>
        Assert.That(UserTraits.Email(Traits(traits), userId), Is.EqualTo(expected));

    [TestCase("{\"phone\": \"+14155552671\"}", "+14155552671")]
    [TestCase("{}", null)]
    public void Phone_FromTraits(string traits, string? expected) =>
        Assert.That(UserTraits.Phone(Traits(traits)), Is.EqualTo(expected));
}

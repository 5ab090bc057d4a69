using StoriesFunctions.Delivery;

namespace StoriesFunctions.Tests.Delivery;

public class DeliveryTablesKeysTests
{
    [Test]
    public void Keys_PlainId_IsTheRowKey()
    {
        var (partition, row) = DeliveryTables.Keys("ajs-next-1a2b3c4d-identify");

        Assert.That(row, Is.EqualTo("ajs-next-1a2b3c4d-identify"));
        Assert.That(partition, Does.Match("^[0-9a-f]{2}$"));
    }

    [TestCase("a/b")]
    [TestCase("a#b")]
    [TestCase("a?b")]
    [TestCase("a\\b")]
    [TestCase("tab\there")]
    [TestCase("émoji 🎉")]
    public void Keys_IdWithCharactersTablesRefuse_IsHashed(string id) =>
        Assert.That(DeliveryTables.Keys(id).Row, Does.Match("^sha256-[0-9a-f]{64}$"));

    [Test]
    public void Keys_AreStableAndDistinct()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DeliveryTables.Keys("a/b"), Is.EqualTo(DeliveryTables.Keys(string.Concat("a", "/b"))));
            Assert.That(DeliveryTables.Keys("a/b").Row, Is.Not.EqualTo(DeliveryTables.Keys("a/c").Row));
        });
    }
}

using StoriesFunctions.Delivery;

namespace StoriesFunctions.Tests.Delivery;

public class DeliveryRecordsKeysTests
{
    [Test]
    public void Keys_PlainId_IsTheRowKey()
    {
        var (partition, row) = DeliveryRecords.Keys("ajs-next-1a2b3c4d-identify");

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
        Assert.That(DeliveryRecords.Keys(id).Row, Does.Match("^sha256-[0-9a-f]{64}$"));

    [Test]
    public void Keys_AreStableAndDistinct()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DeliveryRecords.Keys("a/b"), Is.EqualTo(DeliveryRecords.Keys(string.Concat("a", "/b"))));
            Assert.That(DeliveryRecords.Keys("a/b").Row, Is.Not.EqualTo(DeliveryRecords.Keys("a/c").Row));
        });
    }
}

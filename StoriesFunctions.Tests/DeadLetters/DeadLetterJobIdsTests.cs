using StoriesFunctions.Delivery;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.DeadLetters;

public class DeadLetterJobIdsTests
{
    [Test]
    public void WorstCaseRow_LongestKeysEverywhere_FitsTheTableServiceLimits() =>
        Assert.Multiple(() =>
        {
            Assert.That(DeadLetterJobIds.WorstCaseColumnChars, Is.LessThanOrEqualTo(DeadLetterJobIds.MaxStringChars));
            Assert.That(DeadLetterJobIds.WorstCaseEntityBytes, Is.LessThanOrEqualTo(DeadLetterJobIds.MaxEntityBytes));
        });

    [Test]
    public async Task ReadAsync_JobThePreviousVersionWrote_ItsInlineIdsAsKeys()
    {
        var entity = new Azure.Data.Tables.TableEntity("job", "old") { ["Kind"] = "Purge", ["MessageIds"] = "[\"a\",\"b\",\"c\"]", ["Status"] = "running" };
        var ids = new DeadLetterJobIds(new Azure.Data.Tables.TableServiceClient("UseDevelopmentStorage=true"));

        var job = DeadLetterJob.FromEntity(entity);
        var keys = await ids.ReadAsync(job, 1, 2, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(job.MessageIdCount, Is.EqualTo(3), "still a list of ids, never the filter (everything)");
            Assert.That(keys, Is.EqualTo(new[] { "b", "c" }));
        });
    }

    [TestCase(200, 200)]
    [TestCase(201, 71)]
    [TestCase(512, 71)]
    public void KeyOf_PlainIdOfLength_NoLongerThanTheLongestKey(int length, int keyLength)
    {
        var key = DeadLetterStore.KeyOf(new string('a', length));

        Assert.That(key, Has.Length.EqualTo(keyLength).And.Length.LessThanOrEqualTo(DeadLetterStore.MaxKeyLength));
    }
}

using StoriesFunctions.Delivery;
using StoriesFunctions.DeadLetters;

namespace StoriesFunctions.Tests.DeadLetters;

public class DeadLetterJobPieceTests
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(30);

    [TestCase(1, "00:00:30")]
    [TestCase(2, "00:01:00")]
    [TestCase(3, "00:02:00")]
    [TestCase(5, "00:08:00")]
    [TestCase(6, "00:08:00")]
    [TestCase(7, "00:08:00")]
    [TestCase(8, null)]
    [TestCase(9, null)]
    public void RetryDelay_AfterFailuresInARow_DoublesUpToSixteenFoldThenGivesUp(int failures, string? expected) =>
        Assert.That(DeadLetterJobPiece.RetryDelay(failures, First), Is.EqualTo(expected is null ? (TimeSpan?)null : TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));

    [Test]
    public void LongestRetry_EveryDelayBackToBack_AboutHalfAnHourOfStorageTrouble() =>
        Assert.That(DeadLetterJobPiece.LongestRetry(First), Is.EqualTo(TimeSpan.FromMinutes(31.5)));

    [TestCase("20261130041000-0123456789abcdef", "20261130041000-0123456789abcdef", 0)]
    [TestCase("20261130041000-0123456789abcdef:3", "20261130041000-0123456789abcdef", 3)]
    [TestCase("odd:id:x", "odd:id:x", 0)]
    public void Parse_MessageText_JobIdAndFailures(string message, string jobId, int failures)
    {
        var piece = DeadLetterJobPiece.Parse(message);

        Assert.Multiple(() =>
        {
            Assert.That(piece, Is.EqualTo(new DeadLetterJobPiece(jobId, failures)));
            Assert.That(piece.ToString(), Is.EqualTo(message), "what is parsed is what was sent");
        });
    }
}

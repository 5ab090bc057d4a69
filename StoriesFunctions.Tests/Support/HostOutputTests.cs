using StoriesFunctions.Tests.HostLevel;

namespace StoriesFunctions.Tests.Support;

public class HostOutputTests
{
    [Test]
    public void Digest_GroupsWarningsAndFailuresByMessageWithIdsAndNumbersMasked()
    {
        var output = new HostOutput();
        output.Add("info: Host.General[0]");
        output.Add("      Host started");
        output.Add("warn: Function.DeliverEvents.User[0]");
        output.Add("      Queue message 0f8e1c7a-1b2c-4d3e-8f90-123456789abc: our storage failed; 10 events wait 00:00:23.17");
        output.Add("warn: Function.DeliverEvents.User[0]");
        output.Add("      Queue message aed605ac-6df3-41d3-8249-6e5c1c2ac2bc: our storage failed; 10 events wait 00:00:04.06");
        output.Add("fail: Function.DeliverEvents[3]");
        output.Add("      Executed 'Functions.DeliverEvents' (Failed, Id=dc242e93-c6ef-4075-be0b-52c41e40f79e, Duration=59ms)");

        string digest = output.Digest();

        Assert.Multiple(() =>
        {
            Assert.That(digest, Does.Contain("    2 warn: Function.DeliverEvents.User[0] Queue message #: our storage failed; # events wait #:#:#"));
            Assert.That(digest, Does.Contain("    1 fail: Function.DeliverEvents[3] Executed 'Functions.DeliverEvents' (Failed, Id=#, Duration=#ms)"));
            Assert.That(digest, Does.Not.Contain("Host started"));
        });
    }
}

using StoriesFunctions.Stories;

namespace StoriesFunctions.Tests.Stories;

public class StoriesRateLimitTests
{
    [TestCase("300/1m", 300, 60)]
    [TestCase("300/m", 300, 60)]
    [TestCase("20/2s", 20, 2)]
    [TestCase(" 1000/1h ", 1000, 3600)]
    [TestCase("60/12S", 60, 12)]
    public void TryParse_CallsPerWindow_ReadsBoth(string text, int limit, int seconds)
    {
        var parsed = StoriesRateLimit.TryParse(text, out var rateLimit);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.True);
            Assert.That(rateLimit, Is.EqualTo(new StoriesRateLimit(limit, TimeSpan.FromSeconds(seconds))));
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("300")]
    [TestCase("0/1m")]
    [TestCase("-5/1m")]
    [TestCase("300/1d")]
    [TestCase("300/0s")]
    [TestCase("300/25h")]
    [TestCase("5.5/1s")]
    [TestCase("300/1m/2")]
    public void TryParse_NotCallsPerWindow_Refuses(string? text) =>
        Assert.That(StoriesRateLimit.TryParse(text, out _), Is.False);

    [TestCase("300/1m", "300/1m")]
    [TestCase("20/2s", "20/2s")]
    [TestCase("1000/60m", "1000/1h")]
    public void ToString_ReadsAsTheSetting(string text, string expected)
    {
        Assert.That(StoriesRateLimit.TryParse(text, out var rateLimit) ? rateLimit.ToString() : null, Is.EqualTo(expected));
    }

    [TestCase("5", 5, 1)]
    [TestCase("0.5", 1, 2)]
    public void ConfiguredRateLimit_OlderPerSecondSetting_BecomesDeploymentWide(string perSecond, int limit, int seconds)
    {
        var options = new StoriesOptions { MaxRequestsPerSecond = double.Parse(perSecond, System.Globalization.CultureInfo.InvariantCulture) };

        Assert.That(options.ConfiguredRateLimit, Is.EqualTo(new StoriesRateLimit(limit, TimeSpan.FromSeconds(seconds))));
    }

    [Test]
    public void ConfiguredRateLimit_BothSet_RateLimitWins()
    {
        var options = new StoriesOptions { RateLimit = "300/1m", MaxRequestsPerSecond = 50 };

        Assert.That(options.ConfiguredRateLimit, Is.EqualTo(new StoriesRateLimit(300, TimeSpan.FromMinutes(1))));
    }
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StoriesFunctions.Segment;

namespace StoriesFunctions.Tests.Segment;

public class SignatureVerifierTests
{
    private const string Secret = "shh-its-a-secret";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("[{\"type\":\"track\"},{\"type\":\"page\"}]");
    private static readonly byte[] First = Encoding.UTF8.GetBytes("{\"type\":\"track\"}");

    internal static string Sign(byte[] bytes, string secret = Secret) =>
        Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), bytes));

    private static SignatureVerifier Verifier(string? secret = Secret) =>
        new(Options.Create(new SegmentOptions { SharedSecret = secret }));

    [Test]
    public void Verify_SignatureOfWholeBody_IsValid() =>
        Assert.That(Verifier().Verify(Sign(Body), Body, First), Is.EqualTo(SignatureCheck.Valid));

    [Test]
    public void Verify_SignatureOfFirstElement_IsValid() =>
        Assert.That(Verifier().Verify(Sign(First), Body, First), Is.EqualTo(SignatureCheck.Valid));

    [Test]
    public void Verify_UpperCaseHex_IsValid() =>
        Assert.That(Verifier().Verify(Sign(Body).ToUpperInvariant(), Body, First), Is.EqualTo(SignatureCheck.Valid));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Verify_NoHeader_IsMissing(string? header) =>
        Assert.That(Verifier().Verify(header, Body, First), Is.EqualTo(SignatureCheck.Missing));

    [Test]
    public void Verify_SignedWithAnotherSecret_IsMismatch() =>
        Assert.That(Verifier().Verify(Sign(Body, "other"), Body, First), Is.EqualTo(SignatureCheck.Mismatch));

    [Test]
    public void Verify_ValidSignatureOverDifferentBody_IsMismatch()
    {
        var other = Encoding.UTF8.GetBytes("{\"type\":\"identify\"}");

        Assert.That(Verifier().Verify(Sign(other), Body, First), Is.EqualTo(SignatureCheck.Mismatch));
    }

    [TestCase("not-hex")]
    [TestCase("abc")]
    [TestCase("0000000000000000000000000000000000000000ff")]
    public void Verify_MalformedHeader_IsMismatch(string header) =>
        Assert.That(Verifier().Verify(header, Body, First), Is.EqualTo(SignatureCheck.Mismatch));

    [Test]
    public void Verify_FirstElementSignatureOnSingleEventBody_IsMismatch() =>
        Assert.That(Verifier().Verify(Sign(First), Body, []), Is.EqualTo(SignatureCheck.Mismatch));

    [Test]
    public void Verify_NoSecretConfigured_IsNotConfiguredWhateverTheHeader()
    {
        var verifier = Verifier(secret: null);

        Assert.Multiple(() =>
        {
            Assert.That(verifier.IsConfigured, Is.False);
            Assert.That(verifier.Verify("garbage", Body, First), Is.EqualTo(SignatureCheck.NotConfigured));
        });
    }
}

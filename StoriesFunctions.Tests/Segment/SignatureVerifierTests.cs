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

    private static SignatureVerifier Verifier(string? secret = Secret, string scope = "either", string? second = null) =>
        new(Options.Create(new SegmentOptions { SharedSecret = secret, SignatureScope = scope, SecondSharedSecret = second }));

    /// <summary>Each scope against what was signed, for an array body (first element set) and a single event (none).</summary>
    [TestCase("body", "body", true, SignatureCheck.Valid)]
    [TestCase("body", "first", true, SignatureCheck.Mismatch)]
    [TestCase("first-element", "body", true, SignatureCheck.Mismatch)]
    [TestCase("first-element", "first", true, SignatureCheck.Valid)]
    [TestCase("either", "body", true, SignatureCheck.Valid)]
    [TestCase("either", "first", true, SignatureCheck.Valid)]
    [TestCase("body", "body", false, SignatureCheck.Valid)]
    [TestCase("first-element", "body", false, SignatureCheck.Valid)]
    [TestCase("either", "body", false, SignatureCheck.Valid)]
    [TestCase("first-element", "first", false, SignatureCheck.Mismatch)]
    public void Verify_Scope_AcceptsWhatItCovers(string scope, string signed, bool isArray, SignatureCheck expected)
    {
        var signature = Sign(signed == "body" ? Body : First);

        var check = Verifier(scope: scope).Verify(signature, Body, isArray ? First : []);

        Assert.That(check, Is.EqualTo(expected));
    }

    [TestCase(Secret, SignatureCheck.Valid)]
    [TestCase("the-next-secret", SignatureCheck.Valid)]
    [TestCase("a-third-secret", SignatureCheck.Mismatch)]
    public void Verify_WhileRotating_AcceptsEitherSecret(string signedWith, SignatureCheck expected)
    {
        var verifier = Verifier(second: "the-next-secret");

        Assert.That(verifier.Verify(Sign(Body, signedWith), Body, First), Is.EqualTo(expected));
    }

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

using System.Net;
using StoriesFunctions.Stories;

namespace StoriesFunctions.Tests.Stories;

public class StoriesFailuresTests
{
    [TestCase(null, FailureKind.Transient)]
    [TestCase(200, FailureKind.None)]
    [TestCase(201, FailureKind.None)]
    [TestCase(204, FailureKind.None)]
    [TestCase(400, FailureKind.Permanent)]
    [TestCase(401, FailureKind.Configuration)]
    [TestCase(403, FailureKind.Configuration)]
    [TestCase(404, FailureKind.Configuration)]
    [TestCase(408, FailureKind.Transient)]
    [TestCase(409, FailureKind.Permanent)]
    [TestCase(413, FailureKind.Permanent)]
    [TestCase(422, FailureKind.Permanent)]
    [TestCase(429, FailureKind.Transient)]
    [TestCase(500, FailureKind.Transient)]
    [TestCase(501, FailureKind.Transient)]
    [TestCase(502, FailureKind.Transient)]
    [TestCase(503, FailureKind.Transient)]
    [TestCase(504, FailureKind.Transient)]
    [TestCase(302, FailureKind.Transient)]
    public void Classify_StatusCode(int? status, FailureKind expected) =>
        Assert.That(StoriesFailures.Classify((HttpStatusCode?)status), Is.EqualTo(expected));
}

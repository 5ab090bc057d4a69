using Microsoft.Azure.Functions.Worker.Http;
using StoriesFunctions.Operators;

namespace StoriesFunctions.Functions;

/// <summary>The first line of every operator endpoint: the refusal to answer with, or null when the caller may go on.</summary>
internal static class OperatorGate
{
    public static async Task<HttpResponseData?> RefuseAsync(OperatorAccess operators, HttpRequestData request, CancellationToken cancellationToken)
    {
        var verdict = await operators.CheckAsync(request, cancellationToken);
        if (verdict.StatusCode() is not { } status)
        {
            return null;
        }

        var response = await JsonResponses.WriteAsync(request, status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error"u8, verdict switch
            {
                OperatorVerdict.NoToken => "sign in: an Entra ID access token for this app is required (Authorization: Bearer)",
                OperatorVerdict.InvalidToken => "the access token is not valid for this app",
                OperatorVerdict.MissingRole => "the signed-in identity does not hold the operator app role",
                _ => "operator access is not configured (Operators__TenantId, Operators__ClientId)",
            });
            writer.WriteEndObject();
        }, cancellationToken);
        if (status == 401)
        {
            response.Headers.Add("WWW-Authenticate", "Bearer");
        }

        return response;
    }
}

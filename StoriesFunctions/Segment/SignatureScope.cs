namespace StoriesFunctions.Segment;

/// <summary>
/// What an <c>X-Signature</c> must cover (<c>Segment__SignatureScope</c>). Segment signs one event's bytes; for an
/// array or batch it signs today only the first element, and a change to sign the whole body is proposed.
/// </summary>
public enum SignatureScope
{
    /// <summary>
    /// <c>body</c>: the whole body. Nothing unsigned is accepted; batches signed by today's Segment (first element only)
    /// are refused 401, so use it with batching off or once Segment signs whole bodies.
    /// </summary>
    Body,

    /// <summary>
    /// <c>first-element</c>: for an array or batch, its first element; a single event is its own first element. Risk: anyone
    /// holding one signed batch and the URL (with its key) can append events after the first, or change a batch's shared
    /// <c>context</c>/<c>integrations</c>, and they are accepted.
    /// </summary>
    FirstElement,

    /// <summary>
    /// <c>either</c> (the default, so that Segment's batches work today): the whole body or the first element. The risk of
    /// <see cref="FirstElement"/> applies to arrays and batches; a single event must be signed whole.
    /// </summary>
    Either,
}

public static class SignatureScopes
{
    public static string ToSettingValue(this SignatureScope scope) => scope switch
    {
        SignatureScope.Body => "body",
        SignatureScope.FirstElement => "first-element",
        SignatureScope.Either => "either",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, null),
    };

    /// <summary>The setting's value (<c>body</c>, <c>first-element</c>, <c>either</c>, any case); null when it is none of them.</summary>
    public static SignatureScope? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "body" => SignatureScope.Body,
        "first-element" => SignatureScope.FirstElement,
        "either" => SignatureScope.Either,
        _ => null,
    };
}

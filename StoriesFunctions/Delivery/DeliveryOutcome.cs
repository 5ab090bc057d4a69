using StoriesFunctions.Stories;

namespace StoriesFunctions.Delivery;

public enum DeliveryResult
{
    Delivered,
    AlreadyDelivered,
    Transient,
    Permanent,
}

/// <summary>What became of one event in one attempt.</summary>
public sealed record DeliveryOutcome(DeliveryResult Result, string Type, string Reason, StoriesResponse? Response)
{
    public int? StatusCode => Response?.StatusCode is { } status ? (int)status : null;

    public static DeliveryOutcome From(StoriesResponse response, string type) => response.Failure switch
    {
        FailureKind.None => new(DeliveryResult.Delivered, type, string.Empty, response),
        FailureKind.Permanent => new(DeliveryResult.Permanent, type, response.Reason, response),
        _ => new(DeliveryResult.Transient, type, response.Reason, response),
    };
}

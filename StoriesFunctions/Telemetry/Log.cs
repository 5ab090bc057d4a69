using Microsoft.Extensions.Logging;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Telemetry;

/// <summary>
/// Every log line the app writes. Only ids, types, outcomes, reasons and status codes: never keys, secrets,
/// signatures, traits, emails, phones or payloads. Names of the placeholders are the custom dimensions in
/// Application Insights (<c>customDimensions.MessageId</c>, ...).
/// </summary>
public static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Segment__SharedSecret is not set and Segment__AllowUnsignedCalls is true: webhook requests are authenticated by the function key alone and X-Signature is not checked. Set the Webhooks destination's shared secret to check it.")]
    public static partial void SharedSecretMissing(ILogger logger);

    [LoggerMessage(2, LogLevel.Warning, "Segment__SecondSharedSecret is set: signatures made with either secret are accepted. Clear it once Segment uses the new secret.")]
    public static partial void SecondSecretAccepted(ILogger logger);

    [LoggerMessage(EventId = 100, Message = "Webhook call answered {StatusCode}: {Received} received, {Queued} queued, {Skipped} skipped, {Rejected} rejected in {Envelopes} messages")]
    public static partial void IngestCompleted(ILogger logger, LogLevel level, int statusCode, int received, int queued, int skipped, int rejected, int envelopes);

    [LoggerMessage(EventId = 101, Message = "Event {MessageId} of type {EventType} queued")]
    public static partial void EventQueued(ILogger logger, LogLevel level, string messageId, string eventType);

    [LoggerMessage(102, LogLevel.Information, "Event {MessageId} of type {EventType} skipped: {Reason}")]
    public static partial void EventSkipped(ILogger logger, string? messageId, string eventType, string reason);

    [LoggerMessage(103, LogLevel.Warning, "Event {MessageId} at index {Index} rejected: {Reason}")]
    public static partial void EventRejected(ILogger logger, string? messageId, int index, string reason);

    [LoggerMessage(104, LogLevel.Warning, "Webhook call refused with {StatusCode}: {Reason}")]
    public static partial void RequestRefused(ILogger logger, int statusCode, string reason);

    [LoggerMessage(105, LogLevel.Error, "Webhook call answered 503: {Events} events could not be queued; Segment will retry")]
    public static partial void QueueWriteFailed(ILogger logger, Exception exception, int events);

    [LoggerMessage(EventId = 200, Message = "Event {MessageId} of type {EventType} delivered: Stories answered {StatusCode} on attempt {Attempt}, {LatencyMs} ms after receipt")]
    public static partial void EventDelivered(ILogger logger, LogLevel level, string messageId, string eventType, int statusCode, int attempt, long latencyMs);

    [LoggerMessage(EventId = 214, Message = "Queue message {QueueMessageId}: {Events} events, {Delivered} delivered, {Duplicates} delivered before, {Retried} retried, {Waiting} waiting, {DeadLettered} dead-lettered in {ElapsedMs} ms")]
    public static partial void MessageDelivered(ILogger logger, LogLevel level, string queueMessageId, int events, int delivered, int duplicates, int retried, int waiting, int deadLettered, long elapsedMs);

    [LoggerMessage(201, LogLevel.Information, "Event {MessageId} of type {EventType} was delivered before: not sent again")]
    public static partial void DuplicateSkipped(ILogger logger, string messageId, string eventType);

    [LoggerMessage(202, LogLevel.Warning, "Event {MessageId} of type {EventType} retried: attempt {Attempt} failed ({Reason}); next attempt in {Delay}")]
    public static partial void RetryScheduled(ILogger logger, string messageId, string eventType, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(203, LogLevel.Warning, "Event {MessageId} of type {EventType} dead-lettered after {Attempts} attempts: {Reason} (status {StatusCode})")]
    public static partial void DeadLettered(ILogger logger, string messageId, string eventType, int attempts, string reason, int? statusCode);

    [LoggerMessage(204, LogLevel.Error, "Queue message {QueueMessageId} is not a readable envelope: dead-lettered as it is")]
    public static partial void UnreadableMessage(ILogger logger, string queueMessageId);

    [LoggerMessage(205, LogLevel.Warning, "Event {MessageId} was delivered but its de-duplication record could not be written")]
    public static partial void RecordFailed(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(206, LogLevel.Information, "Queue message {QueueMessageId}: time budget spent, {Remaining} events handed to a new message")]
    public static partial void BudgetSpent(ILogger logger, string queueMessageId, int remaining);

    [LoggerMessage(207, LogLevel.Warning, "Queue message {QueueMessageId} redelivered by the host (dequeue count {DequeueCount}): an earlier invocation failed")]
    public static partial void Redelivered(ILogger logger, string queueMessageId, long dequeueCount);

    [LoggerMessage(208, LogLevel.Information, "Event {MessageId} of type {EventType} is being delivered by another copy: looking again in {Delay}")]
    public static partial void ClaimHeld(ILogger logger, string messageId, string eventType, TimeSpan delay);

    [LoggerMessage(209, LogLevel.Error, "Stories refused the configuration ({Reason}): check Stories__ApiKey and Stories__BaseUrl. {Events} events of queue message {QueueMessageId} wait {Delay} without using an attempt, and are delivered once the key works")]
    public static partial void ConfigurationRefused(ILogger logger, string queueMessageId, string reason, int events, TimeSpan delay);

    [LoggerMessage(210, LogLevel.Information, "Queue message {QueueMessageId}: {Events} events wait {Delay} for Stories' rate limit, their slots reserved, using no attempt")]
    public static partial void WaitingForBudget(ILogger logger, string queueMessageId, int events, TimeSpan delay);

    [LoggerMessage(211, LogLevel.Warning, "Stories answered 429 for event {MessageId}: every instance pauses until {PausedUntil}")]
    public static partial void Throttled(ILogger logger, string messageId, DateTimeOffset pausedUntil);

    [LoggerMessage(212, LogLevel.Warning, "Stories states a limit of {Limit} calls, below Stories__RateLimit={Setting}: expect 429 answers until the setting is lowered")]
    public static partial void RateLimitBelowSetting(ILogger logger, int limit, string setting);

    [LoggerMessage(213, LogLevel.Information, "Backlog: {Messages} queue messages, oldest event waiting {OldestAge}, drained in about {TimeToDrain} at {CallsPerSecond:0.##} calls/s ({Limit} per {Window}, from {Source})")]
    public static partial void Backlog(ILogger logger, long messages, TimeSpan oldestAge, TimeSpan timeToDrain, double callsPerSecond, int limit, TimeSpan window, string source);

    [LoggerMessage(300, LogLevel.Information, "Replayed {Events} dead letters to segment-events")]
    public static partial void Replayed(ILogger logger, int events);

    [LoggerMessage(301, LogLevel.Information, "Purged {Events} dead letters: their events are kept nowhere now")]
    public static partial void Purged(ILogger logger, int events);

    [LoggerMessage(302, LogLevel.Information, "Dead-letter job {JobId} ({Kind}) {Status}: {Done} done, {Skipped} skipped so far")]
    public static partial void JobProgress(ILogger logger, string jobId, string kind, string status, int done, int skipped);

    [LoggerMessage(303, LogLevel.Information, "Dead-letter job {JobId} ({Kind}) started")]
    public static partial void JobStarted(ILogger logger, string jobId, string kind);

    [LoggerMessage(240, LogLevel.Warning, "Queue message {QueueMessageId}: our storage failed ({Reason}); {Events} events wait {Delay} and go on once it is back, using no attempt")]
    public static partial void StorageUnavailable(ILogger logger, string queueMessageId, int events, TimeSpan delay, string reason);

    [LoggerMessage(241, LogLevel.Warning, "Poison message {QueueMessageId} could not be adopted ({Reason}): it waits {Delay} in the poison queue and is adopted then")]
    public static partial void AdoptionDeferred(ILogger logger, string queueMessageId, string reason, TimeSpan delay);

    [LoggerMessage(230, LogLevel.Warning, "Stories asked for a pause until {PausedUntil}: every instance pauses for {MaxPause} only, as no real Retry-After is that long")]
    public static partial void PauseCapped(ILogger logger, DateTimeOffset pausedUntil, TimeSpan maxPause);

    [LoggerMessage(231, LogLevel.Warning, "The Stories budget row could not be written: the pause until {PausedUntil} is not shared with the other instances, which may be answered 429 too")]
    public static partial void PauseNotShared(ILogger logger, Exception exception, DateTimeOffset pausedUntil);

    [LoggerMessage(232, LogLevel.Warning, "The Stories budget row could not be written: Stories' limit of {Limit} is not shared yet; the next answer tries again")]
    public static partial void LimitNotShared(ILogger logger, Exception exception, int limit);

    [LoggerMessage(233, LogLevel.Warning, "The Stories budget row could not be written: Stories' answer to the call that opened the span at {OpenedAt} is not shared; the rest of the burst waits {Patience} for it")]
    public static partial void OpeningNotShared(ILogger logger, Exception exception, DateTimeOffset openedAt, TimeSpan patience);

    [LoggerMessage(310, LogLevel.Warning, "Dead-letter job {JobId}: storage failed its piece ({Cause}), {Failures} times in a row; it runs again in {Delay}")]
    public static partial void JobPieceRetrying(ILogger logger, string jobId, int failures, string cause, TimeSpan delay);

    [LoggerMessage(311, LogLevel.Error, "Dead-letter job {JobId} failed: {Cause}. What it did stays done; start a new job to go on")]
    public static partial void JobFailed(ILogger logger, string jobId, string cause);

    [LoggerMessage(400, LogLevel.Information, "Erasure {JobId} started")]
    public static partial void ErasureStarted(ILogger logger, string jobId);

    [LoggerMessage(401, LogLevel.Information, "Erasure {JobId} pass {Pass}: {DeadLetters} dead letters purged, Stories user {Deletion}")]
    public static partial void ErasurePass(ILogger logger, string jobId, int pass, int deadLetters, string deletion);

    [LoggerMessage(402, LogLevel.Error, "Erasure {JobId} failed: {Cause}. The user stays suppressed; start a new erasure to finish")]
    public static partial void ErasureFailed(ILogger logger, string jobId, string cause);

    [LoggerMessage(403, LogLevel.Information, "Event {MessageId} of type {EventType} skipped: user erased")]
    public static partial void ErasedEventSkipped(ILogger logger, string messageId, string eventType);

    [LoggerMessage(404, LogLevel.Warning, "An erasure was lifted: the user's later events are delivered again")]
    public static partial void ErasureLifted(ILogger logger);

    [LoggerMessage(410, LogLevel.Warning, "An operator request was refused: its token is not valid ({Cause})")]
    public static partial void OperatorTokenRefused(ILogger logger, string cause);

    [LoggerMessage(411, LogLevel.Error, "Operators__LocalDevelopment is ignored: the app runs in App Service. Operators sign in with Entra ID")]
    public static partial void LocalDevelopmentIgnored(ILogger logger);

    [LoggerMessage(412, LogLevel.Warning, "Operators__LocalDevelopment is on: the console and the operator API answer anyone who reaches this machine without signing in")]
    public static partial void OperatorsLocal(ILogger logger);

    [LoggerMessage(413, LogLevel.Warning, "Operators__TenantId and Operators__ClientId are not set: the console and the operator API refuse every request (503)")]
    public static partial void OperatorsNotConfigured(ILogger logger);
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StoriesFunctions.Budget;
using StoriesFunctions.Stories;
using StoriesFunctions.Tests.Budget.Simulation;

namespace StoriesFunctions.Tests.Budget;

/// <summary>
/// One message's asks during an invocation, over the real budget and an in-memory row on a fake clock: calls granted
/// ahead are spent without a row write, handed back when they ran out unspent, dropped after a 429; a short wait is
/// waited in-process.
/// </summary>
public class MessageBudgetTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    // Bursts of 49 calls in any 10.3 s; calls granted ahead stay valid 158 ms.
    private const string RateLimit = "50/10s";

    /// <summary>A message of <paramref name="events"/> one-call events, over a row whose span opened and was answered.</summary>
    private static (MessageBudget Message, MemoryBudgetStore Row, FakeTimeProvider Clock) Message(int events, bool scheduled = false)
    {
        var (row, clock) = (new MemoryBudgetStore(), new FakeTimeProvider(Start));
        row.TryWriteAsync(BudgetState.Empty with { OpeningAt = Start - TimeSpan.FromSeconds(1), OpeningAnswered = true }, "0", CancellationToken.None).GetAwaiter().GetResult();
        var stories = Options.Create(new StoriesOptions { ApiKey = "k", RateLimit = RateLimit });
        var budget = new StoriesBudget(row, stories, clock, NullLogger<StoriesBudget>.Instance);
        var asks = new BudgetAsks(scheduled, [.. Enumerable.Repeat((1, Start), events)]);
        return (new MessageBudget(budget, asks, clock), row, clock);
    }

    [Test]
    public async Task AskAsync_EventsFasterThanTheCreditLasts_LaterEventsGoWithoutARowWrite()
    {
        var (message, row, clock) = Message(20);

        var grants = new List<BudgetGrant>();
        for (var i = 0; i < 8; i++)
        {
            grants.Add(await message.AskAsync(i, scheduled: false, CancellationToken.None));
            clock.Advance(TimeSpan.FromMilliseconds(20));
        }

        Assert.Multiple(() =>
        {
            Assert.That(grants, Has.All.InstanceOf<BudgetGrant.Go>());
            Assert.That(((BudgetGrant.Go)grants[1]).Calls, Is.EqualTo(7), "the second asks for the events that fit in 158 ms at 20 ms each");
            Assert.That(row.Writes, Is.EqualTo(1 + 2), "the first event and the second, with six ahead; none for the next six");
        });
    }

    [Test]
    public async Task AskAsync_CreditRanOutUnspent_HandedBackWithTheNextAsk()
    {
        var (message, row, clock) = Message(20);
        await message.AskAsync(0, scheduled: false, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(20));
        await message.AskAsync(1, scheduled: false, CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(1));
        await message.AskAsync(2, scheduled: false, CancellationToken.None);

        var (state, _) = await row.ReadAsync(CancellationToken.None);
        Assert.That(state.Granted.CallsAfter(Start - TimeSpan.FromSeconds(10.3)), Is.EqualTo(1 + 1 + 1), "the six granted ahead came back");
    }

    [Test]
    public async Task AskAsync_AfterA429_WhatWasGrantedAheadIsNotSpent()
    {
        var (message, row, clock) = Message(20);
        await message.AskAsync(0, scheduled: false, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(20));
        await message.AskAsync(1, scheduled: false, CancellationToken.None);
        var writes = row.Writes;

        message.Drop();
        await message.AskAsync(2, scheduled: true, CancellationToken.None);

        Assert.That(row.Writes, Is.EqualTo(writes + 1));
    }

    [Test]
    public async Task AskAsync_ReservedInARoundThatComesInASecond_WaitsInProcessAndGoesAsAScheduledMessage()
    {
        // A full span whose round ends in a second, 10 calls reserved for the next.
        var (message, row, clock) = Message(3);
        var rate = new BudgetRate(50, TimeSpan.FromSeconds(10), "setting");
        var opened = Start - rate.Span + TimeSpan.FromSeconds(1);
        var full = BudgetState.Empty with { Granted = GrantLog.None.Add(opened, rate.Burst, rate.Span), OpeningAt = opened, OpeningAnswered = true, Round = opened, Queued = 10 };
        await row.TryWriteAsync(full, "1", CancellationToken.None);

        var asking = message.AskAsync(0, scheduled: false, CancellationToken.None);
        while (!asking.IsCompleted && clock.GetUtcNow() < Start + TimeSpan.FromSeconds(3))
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1);
        }

        var (state, _) = await row.ReadAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(asking.IsCompletedSuccessfully && asking.Result is BudgetGrant.Go, Is.True, "no queue round trip for a second's wait");
            Assert.That(state.Held + state.Queued, Is.EqualTo(10 + 3 - 1), "its three calls were reserved, and it took one of them as a scheduled message");
        });
    }
}

using StoriesFunctions.Delivery;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget;

public class BacklogMarksTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Test]
    public void OldestWaiting_SlotsStillAhead_TheOldestReceiptAmongThem()
    {
        var marks = BacklogMarks.None
            .Add(Now.AddMinutes(5), Now.AddHours(-2), Now, Minute)
            .Add(Now.AddMinutes(30), Now.AddHours(-1), Now, Minute);

        Assert.Multiple(() =>
        {
            Assert.That(marks.OldestWaiting(Now), Is.EqualTo(Now.AddHours(-2)));
            Assert.That(marks.OldestWaiting(Now.AddMinutes(10)), Is.EqualTo(Now.AddHours(-1)), "the first message's slots have passed");
            Assert.That(marks.OldestWaiting(Now.AddHours(1)), Is.Null);
        });
    }

    [Test]
    public void Add_WithinSpacingOfTheLast_MergedKeepingTheOlder()
    {
        var marks = BacklogMarks.None
            .Add(Now.AddSeconds(10), Now.AddMinutes(-3), Now, Minute)
            .Add(Now.AddSeconds(20), Now.AddMinutes(-9), Now, Minute)
            .Add(Now.AddSeconds(30), Now.AddMinutes(-1), Now, Minute);

        Assert.Multiple(() =>
        {
            Assert.That(marks.Count, Is.EqualTo(1));
            Assert.That(marks.OldestWaiting(Now.AddSeconds(25)), Is.EqualTo(Now.AddMinutes(-9)));
        });
    }

    [Test]
    public void Add_AWeekOfBacklog_StaysSmallAndKeepsTheOldest()
    {
        var marks = BacklogMarks.None;
        for (var i = 1; i <= 10_000; i++)
        {
            marks = marks.Add(Now.AddMinutes(i), Now.AddMinutes(i - 20_000), Now, Minute);
        }

        Assert.Multiple(() =>
        {
            Assert.That(marks.Count, Is.LessThanOrEqualTo(BacklogMarks.MaxMarks));
            Assert.That(marks.OldestWaiting(Now), Is.EqualTo(Now.AddMinutes(1 - 20_000)));
            Assert.That(marks.ToString(), Has.Length.LessThan(3_000));
        });
    }

    [Test]
    public void Parse_WhatToStringWrote_SameMarks()
    {
        var marks = BacklogMarks.None.Add(Now.AddMinutes(5), Now.AddHours(-2), Now, Minute).Add(Now.AddMinutes(50), Now.AddHours(-1), Now, Minute);

        var read = BacklogMarks.Parse(marks.ToString());

        Assert.Multiple(() =>
        {
            Assert.That(read.ToString(), Is.EqualTo(marks.ToString()));
            Assert.That(BacklogMarks.Parse("garbage;1:x").Count, Is.Zero);
        });
    }
}

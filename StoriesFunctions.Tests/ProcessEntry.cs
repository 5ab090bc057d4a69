using StoriesFunctions.Tests.Budget;

namespace StoriesFunctions.Tests;

/// <summary>
/// The test assembly's entry point, so that a test can run the code under test in many OS processes at once
/// (<c>dotnet StoriesFunctions.Tests.dll budget-asker ...</c>). Under the test runner it is never called. Not a
/// top-level <c>Program</c>: that name is the app's.
/// </summary>
internal static class ProcessEntry
{
    public static async Task<int> Main(string[] args) => args.FirstOrDefault() switch
    {
        "budget-asker" => await BudgetAsker.RunAsync(args[1..]),
        _ => 2,
    };
}

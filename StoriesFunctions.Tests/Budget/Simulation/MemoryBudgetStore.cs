using System.Globalization;
using StoriesFunctions.Delivery;
using StoriesFunctions.Budget;

namespace StoriesFunctions.Tests.Budget.Simulation;

/// <summary>The budget row in memory, with the table's one rule that matters: a write must name the version it read.</summary>
internal sealed class MemoryBudgetStore : IBudgetStore
{
    private BudgetState _state = BudgetState.Empty;
    private long _version;

    public long Reads { get; private set; }

    public long Writes { get; private set; }

    public long Conflicts { get; private set; }

    public Task<(BudgetState State, string Version)> ReadAsync(CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult((_state, _version.ToString(CultureInfo.InvariantCulture)));
    }

    public Task<string?> TryWriteAsync(BudgetState state, string version, CancellationToken cancellationToken)
    {
        Writes++;
        if (version != _version.ToString(CultureInfo.InvariantCulture))
        {
            Conflicts++;
            return Task.FromResult<string?>(null);
        }

        _state = state;
        _version++;
        return Task.FromResult<string?>(_version.ToString(CultureInfo.InvariantCulture));
    }
}

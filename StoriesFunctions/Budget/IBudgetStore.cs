namespace StoriesFunctions.Budget;

/// <summary>
/// Where the deployment's budget row lives: an Azure table in production (<see cref="BudgetTable"/>), memory in the
/// many-instance simulation. Writes are conditional on the version read, so two instances never spend the same slot.
/// </summary>
public interface IBudgetStore
{
    /// <summary>The current row and its version, created empty when missing.</summary>
    Task<(BudgetState State, string Version)> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Writes the row if it is still at <paramref name="version"/>: the new version, or null when another instance wrote first.</summary>
    Task<string?> TryWriteAsync(BudgetState state, string version, CancellationToken cancellationToken);
}

namespace StoriesFunctions.Budget;

/// <content>One change asked of the row, waiting for the write that carries it, and its answer.</content>
public sealed partial class StoriesBudget
{
    private abstract class Pending
    {
        public abstract BudgetState Apply(BudgetState state, BudgetRate rate, DateTimeOffset now);

        public abstract void Complete();

        public abstract void Fail(Exception ex);
    }

    private sealed class Pending<T>(Func<BudgetState, BudgetRate, DateTimeOffset, (BudgetState, T)> change) : Pending
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;

        public Task<T> Result => _result.Task;

        public override BudgetState Apply(BudgetState state, BudgetRate rate, DateTimeOffset now)
        {
            (state, _value) = change(state, rate, now);
            return state;
        }

        public override void Complete() => _result.TrySetResult(_value!);

        public override void Fail(Exception ex) => _result.TrySetException(ex);
    }
}

using System.Collections;
using System.Collections.Immutable;
using Microsoft.Azure.Functions.Worker;

namespace StoriesFunctions.Tests.Support;

/// <summary>
/// A <see cref="FunctionContext"/> for calling a function's <c>Run</c> directly in a test.
/// </summary>
/// <remarks>
/// Pass the app's real service provider (built from its <c>Program</c> composition) as
/// <paramref name="instanceServices"/> whenever the function writes JSON or logs: <c>WriteAsJsonAsync</c>
/// resolves <c>IOptions&lt;WorkerOptions&gt;</c> for its serializer and <c>GetLogger</c> resolves
/// <c>ILoggerFactory</c>. Without one, the context has no services and those calls throw, so a test cannot
/// pass with a serializer the app does not use.
/// </remarks>
public sealed class FakeFunctionContext(IServiceProvider? instanceServices = null, CancellationToken cancellationToken = default)
    : FunctionContext
{
    /// <inheritdoc />
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    /// <inheritdoc />
    public override string FunctionId => FunctionDefinition.Id;

    /// <inheritdoc />
    public override TraceContext TraceContext { get; } = new FakeTraceContext();

    /// <inheritdoc />
    public override BindingContext BindingContext { get; } = new FakeBindingContext();

    /// <inheritdoc />
    public override RetryContext RetryContext { get; } = new FakeRetryContext();

    /// <inheritdoc />
    public override IServiceProvider InstanceServices { get; set; } = instanceServices ?? new NoServices();

    /// <inheritdoc />
    public override FunctionDefinition FunctionDefinition { get; } = new FakeFunctionDefinition();

    /// <inheritdoc />
    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    /// <inheritdoc />
    public override IInvocationFeatures Features { get; } = new FakeInvocationFeatures();

    /// <inheritdoc />
    public override CancellationToken CancellationToken => cancellationToken;

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private sealed class FakeTraceContext : TraceContext
    {
        public override string TraceParent => "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        public override string TraceState => string.Empty;
    }

    private sealed class FakeBindingContext : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } = new Dictionary<string, object?>();
    }

    private sealed class FakeRetryContext : RetryContext
    {
        public override int RetryCount => 0;

        public override int MaxRetryCount => 0;
    }

    private sealed class FakeFunctionDefinition : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];

        public override string PathToAssembly => typeof(FakeFunctionContext).Assembly.Location;

        public override string EntryPoint => "Test";

        public override string Id => "test-function";

        public override string Name => "Test";

        public override IImmutableDictionary<string, BindingMetadata> InputBindings =>
            ImmutableDictionary<string, BindingMetadata>.Empty;

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings =>
            ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class FakeInvocationFeatures : IInvocationFeatures
    {
        private readonly Dictionary<Type, object> features = [];

        public T? Get<T>() => features.TryGetValue(typeof(T), out object? feature) ? (T)feature : default;

        public void Set<T>(T instance) => features[typeof(T)] = instance!;

        public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() => features.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

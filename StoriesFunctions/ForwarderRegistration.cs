using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StoriesFunctions.Delivery;
using StoriesFunctions.Segment;
using StoriesFunctions.Stories;
using StoriesFunctions.Telemetry;
using StoriesFunctions.Budget;
using StoriesFunctions.DeadLetters;
using StoriesFunctions.Erasure;
using StoriesFunctions.Operators;
using StoriesFunctions.Storage;

namespace StoriesFunctions;

/// <summary>Everything the forwarder registers, by feature. Program.cs and the composition test both call this.</summary>
public static class ForwarderRegistration
{
    public static IHostApplicationBuilder AddStoriesForwarder(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<UnresolvedSettingsCheck>();
        builder.Services
            .AddSegmentIngest()
            .AddStories()
            .AddDelivery(builder.Configuration)
            .AddErasure()
            .AddOperators()
            .AddForwarderTelemetry();
        return builder;
    }

    public static IServiceCollection AddSegmentIngest(this IServiceCollection services)
    {
        services.AddValidatedOptions<SegmentOptions, SegmentOptionsValidator>(SegmentOptions.Section);
        services.AddSingleton<SignatureVerifier>();
        services.AddSingleton<WebhookIngest>();
        services.AddHostedService<StartupChecks>();
        return services;
    }

    public static IServiceCollection AddStories(this IServiceCollection services)
    {
        services.AddValidatedOptions<StoriesOptions, StoriesOptionsValidator>(StoriesOptions.Section);
        services.AddSingleton<StoriesMapper>();
        services.AddStoriesClient();
        return services;
    }

    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DeliveryOptions, DeliveryOptionsValidator>(DeliveryOptions.Section);
        services.AddValidatedOptions<DeadLetterOptions, DeadLetterOptionsValidator>(DeadLetterOptions.Section);
        services.AddSingleton(_ => StorageClients.CreateQueueService(configuration));
        services.AddSingleton(_ => StorageClients.CreateTableService(configuration));
        services.AddSingleton<EventQueue>();
        services.AddSingleton<DeliveryTables>();
        services.AddSingleton<DeliveryClaims>();
        services.AddSingleton<RetrySchedule>();
        services.AddSingleton<IBudgetStore, BudgetTable>();
        services.AddSingleton<StoriesBudget>();
        services.AddSingleton<Backlog>();
        services.AddSingleton<EventDelivery>();
        services.AddSingleton<CallOrder>();
        services.AddSingleton<VerdictActions>();
        services.AddSingleton<EnvelopeDelivery>();
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<DeadLetterIntake>();
        services.AddSingleton<DeadLetterReplay>();
        services.AddSingleton<DeadLetterJobIds>();
        services.AddSingleton<DeadLetterJobs>();
        services.AddSingleton<DeadLetterJobRunner>();
        services.AddSingleton<DeliveryStats>();
        services.AddSingleton<DeliveryHistory>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryStats>());
        return services;
    }

    public static IServiceCollection AddErasure(this IServiceCollection services)
    {
        services.AddValidatedOptions<ErasureOptions, ErasureOptionsValidator>(ErasureOptions.Section);
        services.AddSingleton<UserHash>();
        services.AddSingleton<ErasedUsers>();
        services.AddSingleton<ErasureJobs>();
        services.AddSingleton<ErasureRunner>();
        return services;
    }

    public static IServiceCollection AddOperators(this IServiceCollection services)
    {
        services.AddValidatedOptions<OperatorOptions, OperatorOptionsValidator>(OperatorOptions.Section);
        services.AddHttpClient(OperatorAccess.MetadataClient, http => http.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<OperatorAccess>();
        services.AddHostedService<OperatorStartupCheck>();
        return services;
    }

    public static IServiceCollection AddForwarderTelemetry(this IServiceCollection services)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section);
        services.AddMetrics();
        services.AddSingleton<ForwarderMetrics>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    private static void AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}

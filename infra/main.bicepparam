// Parameters for a plain deployment without azd:
//   az deployment sub create --name stories --location <region> \
//     --template-file infra/main.bicep --parameters infra/main.bicepparam
// Secrets come from environment variables so they never land in a file.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'stories')
param storiesApiKey = readEnvironmentVariable('STORIES_API_KEY')
param segmentSharedSecret = readEnvironmentVariable('SEGMENT_SHARED_SECRET')
param erasureHashKey = readEnvironmentVariable('ERASURE_HASH_KEY')
param alertEmail = readEnvironmentVariable('ALERT_EMAIL')
param operatorClientId = readEnvironmentVariable('OPERATOR_CLIENT_ID', '')

// 'flex' (Flex Consumption) or 'consumption' (Windows Consumption): docs/costs/hosting-plans.md.
param hostingPlan = readEnvironmentVariable('HOSTING_PLAN', 'flex')

// The tunables keep the defaults of main.bicep; override any of them here, e.g.
// param maximumInstanceCount = 10
// param storiesRateLimit = '300/1m'
// param backlogAgeAlertMinutes = 30

// Empty queues are polled at most once a minute (host.json); QUEUE_POLLING_INTERVAL=00:00:02 delivers within
// seconds after a quiet spell, for about $3.55 a month more: docs/configuration.md, "The Functions host".
param queuePollingInterval = readEnvironmentVariable('QUEUE_POLLING_INTERVAL', '')

// StoriesFunctions on Azure: a function app that takes Segment webhooks and forwards them to
// the Stories API, on Flex Consumption by default or on the Windows Consumption plan
// (hostingPlan). Deploy with `azd up` (main.parameters.json) or `az deployment sub create`
// (main.bicepparam); see docs/deploy-to-azure.md and docs/costs/hosting-plans.md.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd: AZURE_ENV_NAME); it seeds every resource name.')
param environmentName string

@description('Region for every resource.')
param location string = deployment().location

@description('Resource group to create or update; defaults to rg-<environmentName>.')
param resourceGroupName string = ''

@secure()
@minLength(1)
@description('API key for the Stories API; stored in Key Vault as Stories--ApiKey.')
param storiesApiKey string

@secure()
@minLength(1)
@description('Shared secret configured on the Segment Webhooks destination; stored in Key Vault as Segment--SharedSecret.')
param segmentSharedSecret string

@secure()
@minLength(32)
@description('Key of the keyed hash that the list of erased users holds instead of their ids (e.g. openssl rand -hex 32); stored in Key Vault as Erasure--HashKey. Changing it forgets every erasure.')
param erasureHashKey string

@minLength(3)
@description('E-mail address that is alerted when events are dead-lettered.')
param alertEmail string

@description('Application (client) id of the Entra app registration operators sign in to (docs/deploy-to-azure.md#operators-sign-in); empty: the console and the operator API refuse everyone until it is set.')
param operatorClientId string = ''

@description('Tenant whose operators are accepted; defaults to the tenant of the deployment.')
param operatorTenantId string = tenant().tenantId

@minValue(0)
@maxValue(3650)
@description('Days a dead letter is kept before it is purged, event and all; 0 keeps them until an operator acts.')
param deadLetterRetentionDays int = 0

@minValue(5)
@description('Alert when the oldest event waiting for delivery is older than this many minutes.')
param backlogAgeAlertMinutes int = 60

@allowed(['flex', 'consumption'])
@description('flex: Flex Consumption (FC1, Linux), billed per second an instance is busy, at least 1 s. consumption: the Consumption plan on Windows (Y1), billed per execution (at least 100 ms), cheaper for light single-event traffic. See docs/costs/hosting-plans.md.')
param hostingPlan string = 'flex'

@minValue(1)
@maxValue(1000)
@description('Most instances the app may run (the Consumption plan stops at 200). Every instance shares one Stories budget (Stories__RateLimit), so more instances absorb bigger webhook bursts without sending Stories more.')
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Memory of each Flex Consumption instance, in MB (the Consumption plan measures what each execution uses).')
param instanceMemoryMB int = 2048

@description('Base URL of the Stories API, with a trailing slash.')
param storiesBaseUrl string = 'https://api.getstories.io/v1/'

@description('Also upsert the Stories user (/users) for each identify, before its event.')
param storiesSyncUsers bool = true

@allowed(['object', 'string'])
@description('How event properties are sent to Stories: as a JSON object or as a JSON string.')
param storiesEventDataFormat string = 'object'

@description('Stories rate limit for the whole deployment, calls/window (\'300/1m\'). Empty: learned from Stories\' X-RateLimit-Limit header, per minute.')
param storiesRateLimit string = ''

@description('Timeout of one request to Stories (TimeSpan, hh:mm:ss).')
param storiesAttemptTimeout string = '00:00:10'

@minValue(0)
@description('Immediate retries of a failed request to Stories before the event goes back to the queue.')
param storiesQuickRetries int = 2

@description('Base delay of the immediate retries (TimeSpan, at most 10 s).')
param storiesQuickRetryDelay string = '00:00:01'

@minValue(1)
@description('Largest Segment request body accepted, in bytes.')
param segmentMaxBodyBytes int = 8388608

@allowed(['body', 'first-element', 'either'])
@description('What a Segment X-Signature must cover. either (default) accepts batches signed on their first element, as Segment signs them today, and so accepts events appended after a signed first element; body refuses them (see docs/security.md).')
param segmentSignatureScope string = 'either'

@description('Delay before the first queued retry (TimeSpan).')
param deliveryInitialRetryDelay string = '00:00:30'

@description('Longest delay between queued retries (TimeSpan).')
param deliveryMaxRetryDelay string = '01:00:00'

@minValue(1)
@description('Delivery attempts before an event is dead-lettered.')
param deliveryMaxAttempts int = 10

@description('How long delivered message ids are remembered to drop Segment\'s duplicates (TimeSpan, d.hh:mm:ss).')
param deliveryDedupeRetention string = '7.00:00:00'

@description('Time one invocation spends on a queue message before handing the rest to a new message (TimeSpan; keep well inside the 5-minute functionTimeout).')
param deliveryInvocationBudget string = '00:02:00'

@description('How long a copy\'s claim on an event keeps other copies from posting it (TimeSpan; longer than one Stories call with its quick retries).')
param deliveryClaimLease string = '00:03:00'

@minValue(1)
@maxValue(1000)
@description('Dead letters one piece of a replay or purge job handles (seconds of work, far inside a function timeout).')
param deadLetterJobPieceSize int = 200

@description('Trace every queued and delivered event at Information, for troubleshooting (failures are always traced). Multiplies the trace volume.')
param telemetryEventTraces bool = false

@description('Longest wait between polls of an empty queue (TimeSpan), overriding host.json\'s one minute when set: an event after a quiet spell can wait that long. 00:00:02 delivers within seconds at any hour, and adds about $3.55 a month of empty polls per live instance (docs/performance.md).')
param queuePollingInterval string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var names = {
  resourceGroup: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  identity: 'id-${resourceToken}'
  storage: 'st${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  actionGroup: 'ag-${resourceToken}'
  alertRule: 'alert-dead-letters-${resourceToken}'
  keyRefusedAlertRule: 'alert-stories-key-refused-${resourceToken}'
  backlogAgeAlertRule: 'alert-backlog-age-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
}
var deploymentContainerName = 'app-package'
var secretNames = {
  storiesApiKey: 'Stories--ApiKey'
  segmentSharedSecret: 'Segment--SharedSecret'
  erasureHashKey: 'Erasure--HashKey'
}
// Built from the vault name so the app settings are known before deployment.
var vaultUri = 'https://${names.keyVault}${environment().suffixes.keyvaultDns}'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    actionGroupName: names.actionGroup
    alertRuleName: names.alertRule
    keyRefusedAlertRuleName: names.keyRefusedAlertRule
    backlogAgeAlertRuleName: names.backlogAgeAlertRule
    backlogAgeAlertMinutes: backlogAgeAlertMinutes
    principalId: identity.outputs.principalId
    alertEmail: alertEmail
  }
}

// A workbook's resource name must be a GUID, so it is not in names: the module derives it from the component.
module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'StoriesFunctions: delivery (${environmentName})'
    applicationInsightsId: monitoring.outputs.applicationInsightsId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    queueName: 'segment-events'
    principalId: identity.outputs.principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    storiesApiKey: storiesApiKey
    segmentSharedSecret: segmentSharedSecret
    erasureHashKey: erasureHashKey
    secretNames: secretNames
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionApp'
  scope: rg
  // The app starts as soon as it exists: its storage, its secrets and their role
  // assignments must be in place first.
  dependsOn: [
    storage
    keyVault
  ]
  params: {
    location: location
    tags: tags
    hostingPlan: hostingPlan
    planName: names.plan
    appName: names.functionApp
    storageAccountName: names.storage
    deploymentContainerName: deploymentContainerName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    secretUris: {
      storiesApiKey: '${vaultUri}/secrets/${secretNames.storiesApiKey}'
      segmentSharedSecret: '${vaultUri}/secrets/${secretNames.segmentSharedSecret}'
      erasureHashKey: '${vaultUri}/secrets/${secretNames.erasureHashKey}'
    }
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    tunables: union(empty(queuePollingInterval) ? {} : { AzureFunctionsJobHost__extensions__queues__maxPollingInterval: queuePollingInterval }, {
      Stories__BaseUrl: storiesBaseUrl
      Stories__SyncUsers: storiesSyncUsers ? 'true' : 'false'
      Stories__EventDataFormat: storiesEventDataFormat
      Stories__RateLimit: storiesRateLimit
      Stories__AttemptTimeout: storiesAttemptTimeout
      Stories__QuickRetries: string(storiesQuickRetries)
      Stories__QuickRetryDelay: storiesQuickRetryDelay
      Segment__MaxBodyBytes: string(segmentMaxBodyBytes)
      Segment__SignatureScope: segmentSignatureScope
      // Deployed apps always check signatures; only local runs (local.settings.sample.json) allow unsigned calls.
      Segment__AllowUnsignedCalls: 'false'
      // Operators sign in with Entra ID and the app checks their tokens; local development mode stays off in Azure.
      Operators__TenantId: operatorTenantId
      Operators__ClientId: operatorClientId
      Operators__Role: 'Operator'
      Operators__LocalDevelopment: 'false'
      Delivery__InitialRetryDelay: deliveryInitialRetryDelay
      Delivery__MaxRetryDelay: deliveryMaxRetryDelay
      Delivery__MaxAttempts: string(deliveryMaxAttempts)
      Delivery__DedupeRetention: deliveryDedupeRetention
      Delivery__InvocationBudget: deliveryInvocationBudget
      Delivery__ClaimLease: deliveryClaimLease
      DeadLetters__RetentionDays: string(deadLetterRetentionDays)
      DeadLetters__JobPieceSize: string(deadLetterJobPieceSize)
      Telemetry__EventTraces: telemetryEventTraces ? 'true' : 'false'
    })
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output SEGMENT_WEBHOOK_URL string = 'https://${functionApp.outputs.defaultHostName}/api/segment'
output KEY_VAULT_NAME string = names.keyVault
output STORAGE_ACCOUNT_NAME string = names.storage

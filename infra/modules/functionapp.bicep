// The function app, on Flex Consumption (the default) or on the Windows Consumption plan
// (docs/costs/hosting-plans.md). It runs as the user-assigned identity and holds no secret of
// its own on either plan: storage is reached with the identity, the secrets are Key Vault
// references, and telemetry is sent with Entra authentication.

param location string
param tags object

@allowed(['flex', 'consumption'])
@description('flex: Flex Consumption (FC1, Linux). consumption: the Consumption plan on Windows (Y1), billed per execution.')
param hostingPlan string

param planName string
param appName string
param storageAccountName string
param deploymentContainerName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

param applicationInsightsConnectionString string

@description('Versionless Key Vault secret URIs; the app picks up a rotated secret without a redeploy.')
param secretUris {
  storiesApiKey: string
  segmentSharedSecret: string
  erasureHashKey: string
}

@description('Upper bound on instances. They share one Stories budget (Stories__RateLimit): more instances take bigger bursts, not more Stories calls. The Consumption plan stops at 200.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Flex Consumption only: the Consumption plan measures the memory each execution uses.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Non-secret app settings: the app\'s tunables.')
param tunables object

var storageSuffix = environment().suffixes.storage
var isFlex = hostingPlan == 'flex'

// One connection name, AzureWebJobsStorage, serves the host, the queue trigger, the app's
// queue writes and its de-duplication tables, all with the user-assigned identity.
var storageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: 'https://${storageAccountName}.blob.${storageSuffix}'
  AzureWebJobsStorage__queueServiceUri: 'https://${storageAccountName}.queue.${storageSuffix}'
  AzureWebJobsStorage__tableServiceUri: 'https://${storageAccountName}.table.${storageSuffix}'
}

var telemetrySettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

var secretSettings = {
  Stories__ApiKey: '@Microsoft.KeyVault(SecretUri=${secretUris.storiesApiKey})'
  Segment__SharedSecret: '@Microsoft.KeyVault(SecretUri=${secretUris.segmentSharedSecret})'
  Erasure__HashKey: '@Microsoft.KeyVault(SecretUri=${secretUris.erasureHashKey})'
}

// The Consumption plan reads its runtime from app settings (Flex takes it from functionAppConfig and
// refuses these). It gets no Azure Files content share: Azure Files takes no managed identity, so a
// share would put an account key in the settings and need shared keys on the storage account. Instead
// the app runs from the package blob, which the platform fetches with the identity.
var consumptionSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  WEBSITE_RUN_FROM_PACKAGE: 'https://${storageAccountName}.blob.${storageSuffix}/${deploymentContainerName}/StoriesFunctions.zip'
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId
  // Placeholders shorten .NET isolated cold starts; they need netFrameworkVersion to match and a 64-bit worker.
  WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED: '1'
}

var siteIdentity = {
  type: 'UserAssigned'
  userAssignedIdentities: {
    '${identityId}': {}
  }
}

resource flexPlan 'Microsoft.Web/serverfarms@2025-03-01' = if (isFlex) {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource consumptionPlan 'Microsoft.Web/serverfarms@2025-03-01' = if (!isFlex) {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'Y1'
    tier: 'Dynamic'
  }
  properties: {
    reserved: false
  }
}

resource flexApp 'Microsoft.Web/sites@2025-03-01' = if (isFlex) {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'StoriesFunctions' })
  kind: 'functionapp,linux'
  identity: siteIdentity
  properties: {
    serverFarmId: flexPlan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: 'https://${storageAccountName}.blob.${storageSuffix}/${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource consumptionApp 'Microsoft.Web/sites@2025-03-01' = if (!isFlex) {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'StoriesFunctions' })
  kind: 'functionapp'
  identity: siteIdentity
  properties: {
    serverFarmId: consumptionPlan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      netFrameworkVersion: 'v10.0'
      use32BitWorkerProcess: false
      functionAppScaleLimit: min(maximumInstanceCount, 200)
    }
  }
}

// Whichever of the two was deployed; the settings and policies below apply to both.
resource app 'Microsoft.Web/sites@2025-03-01' existing = {
  name: appName
}

resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: app
  name: 'appsettings'
  dependsOn: [
    flexApp
    consumptionApp
  ]
  properties: union(storageSettings, telemetrySettings, secretSettings, tunables, isFlex ? {} : consumptionSettings)
}

// Deployments go through Entra ID (azd, func, az); publishing with a user name and password stays off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  dependsOn: [
    flexApp
    consumptionApp
  ]
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'scm'
  dependsOn: [
    flexApp
    consumptionApp
  ]
  properties: {
    allow: false
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName

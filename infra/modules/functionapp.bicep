// The Flex Consumption function app. It runs as the user-assigned identity and holds no
// secret of its own: storage is reached with the identity, the secrets are Key Vault
// references, and telemetry is sent with Entra authentication.

param location string
param tags object
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

@description('Upper bound on instances. They share one Stories budget (Stories__RateLimit): more instances take bigger bursts, not more Stories calls.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Non-secret app settings: the app\'s tunables.')
param tunables object

var storageSuffix = environment().suffixes.storage

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

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
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

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'StoriesFunctions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
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

resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: app
  name: 'appsettings'
  properties: union(storageSettings, telemetrySettings, secretSettings, tunables)
}

// Deployments go through Entra ID (azd, func, az); publishing with a user name and password stays off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName

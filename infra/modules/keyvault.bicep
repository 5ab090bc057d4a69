// The three secrets the app needs. The app reads them as ordinary settings through Key Vault
// references, resolved by its user-assigned identity; nothing else can read them.

param name string
param location string
param tags object

@description('Principal id of the function app identity.')
param principalId string

@secure()
@description('API key the app sends to Stories.')
param storiesApiKey string

@secure()
@description('Shared secret Segment signs webhook requests with.')
param segmentSharedSecret string

@secure()
@description('Key of the hash the list of erased users holds instead of their ids.')
param erasureHashKey string

@description('Secret names; Key Vault allows only letters, digits and dashes, so "--" stands for the ":" of a .NET configuration key.')
param secretNames {
  storiesApiKey: string
  segmentSharedSecret: string
  erasureHashKey: string
}

// Built-in role definition: Key Vault Secrets User.
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    // Both secrets can be set again from their source, so a short retention is enough and
    // lets `azd down --purge` / `azd up` reuse the name without waiting long.
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource storiesApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: secretNames.storiesApiKey
  properties: {
    value: storiesApiKey
  }
}

resource segmentSharedSecretSecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: secretNames.segmentSharedSecret
  properties: {
    value: segmentSharedSecret
  }
}

resource erasureHashKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: secretNames.erasureHashKey
  properties: {
    value: erasureHashKey
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

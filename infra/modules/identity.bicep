// The one identity the function app runs as: storage, Key Vault references and
// Application Insights ingestion all authenticate with it, so no key or connection
// string with a secret in it is ever stored.

param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId

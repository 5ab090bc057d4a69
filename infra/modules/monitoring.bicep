// Logs, telemetry and the dead-letter alert. Application Insights takes only
// Entra-authenticated telemetry, published by the app's identity.

param location string
param tags object
param logAnalyticsName string
param applicationInsightsName string
param actionGroupName string
param alertRuleName string
param keyRefusedAlertRuleName string
param backlogAgeAlertRuleName string

@description('Alert when the oldest waiting event is older than this many minutes.')
param backlogAgeAlertMinutes int

@description('Principal id of the function app identity.')
param principalId string

@description('Address that receives the dead-letter alert.')
param alertEmail string

// Built-in role definition: Monitoring Metrics Publisher (despite the name, it covers all telemetry).
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'stories-dl'
    enabled: true
    emailReceivers: [
      {
        name: 'dead-letters'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// The app writes one trace per dead-lettered event, with "dead-lettered" in its message.
resource deadLetterAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: alertRuleName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Segment events dead-lettered'
    description: 'Events that could not be delivered to Stories were dead-lettered. Read them with GET /api/dead-letters (admin key); they are kept, never expiring, in the deadletters table (including what the host moved to the poison queue).'
    severity: 2
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'traces | where message has "dead-lettered"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    // Stateful: one e-mail when dead letters start, resolved once a window has none.
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// The app writes one error trace per delivery round it stops because Stories refused the key or the path (401, 403,
// or 404 on the API path): events wait without using attempts until this is fixed, so someone must be told.
resource keyRefusedAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: keyRefusedAlertRuleName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Stories refuses the API key'
    description: 'Stories answered 401, 403 or 404 on its API path: delivery has stopped and events are waiting in segment-events. Check Stories__ApiKey (Key Vault secret) and Stories__BaseUrl; delivery resumes on its own, with no replay.'
    severity: 1
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'traces | where message has "Stories refused the configuration"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// The BacklogGauges function records the age of the oldest waiting event every minute (customMetrics, aggregated per
// minute). A backlog older than the threshold means Stories' limit, an outage or a refused key is holding events back.
resource backlogAgeAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: backlogAgeAlertRuleName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Segment events waiting too long'
    description: 'The oldest event waiting in segment-events is older than ${backlogAgeAlertMinutes} minutes. Check the backlog log line ("Backlog: ... drained in about ...") for the time to drain at the Stories rate limit, and the other alerts for an outage or a refused key. Nothing is lost: events wait without using attempts.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "storiesfunctions.backlog.oldest_age" | where valueMax > ${backlogAgeAlertMinutes * 60}'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

output applicationInsightsId string = applicationInsights.id
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString

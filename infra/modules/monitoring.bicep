// Logs, telemetry and the alerts. Application Insights takes only
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

// The alerts are metric alert rules on the app's own counters and gauges (ForwarderMetrics), which the Application
// Insights SDK pre-aggregates per minute and stores, without their dimensions, in the metrics store as well as in
// customMetrics: a metric alert watches one time series per rule, at a tenth of the price of a log search rule run every
// 5 minutes (docs/costs/model.md, "Alert rules"). Validation is skipped because a custom metric exists only once the app first sends it.
var alerts = [
  {
    // One count per dead-lettered event, the host's moves to the poison queue included once adopted.
    name: alertRuleName
    description: 'Segment events were dead-lettered: they could not be delivered to Stories. Read them with GET /api/dead-letters (admin key) or the console; they are kept, never expiring, in the deadletters table (including what the host moved to the poison queue).'
    severity: 2
    metricName: 'storiesfunctions.events.dead_lettered'
    timeAggregation: 'Total'
    threshold: 0
    windowSize: 'PT15M'
  }
  {
    // One count per delivery round stopped because Stories refused the key or the path (401, 403, or 404 on the API
    // path): events wait without using attempts until this is fixed, so someone must be told.
    name: keyRefusedAlertRuleName
    description: 'Stories refuses the API key: it answered 401, 403 or 404 on its API path, delivery has stopped and events are waiting in segment-events. Check Stories__ApiKey (Key Vault secret) and Stories__BaseUrl; delivery resumes on its own, with no replay.'
    severity: 1
    metricName: 'storiesfunctions.delivery.refused'
    timeAggregation: 'Total'
    threshold: 0
    windowSize: 'PT15M'
  }
  {
    // The oldest waiting event's age, recorded every minute by an instance that delivers and every 15 minutes by the
    // BacklogGauges timer: the 30-minute window always holds two timer readings, so one missed run cannot hide a stuck
    // backlog. Too old means Stories' limit, an outage or a refused key is holding events back.
    name: backlogAgeAlertRuleName
    description: 'Segment events waiting too long: the oldest event waiting in segment-events is older than ${backlogAgeAlertMinutes} minutes. Check the backlog log line ("Backlog: ... drained in about ...") for the time to drain at the Stories rate limit, and the other alerts for an outage or a refused key. Nothing is lost: events wait without using attempts.'
    severity: 2
    metricName: 'storiesfunctions.backlog.oldest_age'
    timeAggregation: 'Maximum'
    threshold: backlogAgeAlertMinutes * 60
    windowSize: 'PT30M'
  }
]

resource metricAlerts 'Microsoft.Insights/metricAlerts@2026-01-01' = [
  for alert in alerts: {
    name: alert.name
    location: 'global'
    tags: tags
    properties: {
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        applicationInsights.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: alert.windowSize
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: alert.metricName
            metricNamespace: 'azure.applicationinsights'
            metricName: alert.metricName
            timeAggregation: alert.timeAggregation
            operator: 'GreaterThan'
            threshold: alert.threshold
            skipMetricValidation: true
          }
        ]
      }
      // Stateful: one e-mail when the condition starts, resolved once it no longer holds.
      autoMitigate: true
      actions: [
        {
          actionGroupId: actionGroup.id
        }
      ]
    }
  }
]

output applicationInsightsId string = applicationInsights.id
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString

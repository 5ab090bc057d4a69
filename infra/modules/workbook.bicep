// A shared Azure Monitor workbook on Application Insights: what came in, what reached Stories, how Stories answered
// and how far behind delivery is, per minute. The content is built here as an object and serialized, so a change
// to a chart is a readable diff rather than an edit inside an escaped JSON string.

@description('Region of the workbook resource.')
param location string

@description('Tags of the workbook resource.')
param tags object

@description('Display name of the workbook (the resource name itself must be a GUID).')
param name string = 'StoriesFunctions: delivery'

@description('Resource id of the Application Insights component that the workbook queries.')
param applicationInsightsId string

// Every chart covers the last 24 hours (a fixed range: the workbook has no time-range parameter).
var timeContext = {
  durationMs: 86400000
}

// Stories' calls are counted and timed by the app as pre-aggregated metrics (dependency tracking is off: it was
// nearly all of the telemetry bill). Percentiles come from the latency buckets: per minute, the first bucket whose
// running count reaches 50 % (99 %) of the calls; "inf" is the bucket above 30 s.
var latencyBuckets = 'customMetrics | where name == "storiesfunctions.stories.latency_bucket" | extend le = iff(tostring(customDimensions.le) == "inf", 60000.0, todouble(customDimensions.le)) | summarize calls = sum(valueSum) by minute = bin(timestamp, 1m), le'

// One point per minute: the app's counters and gauges reach customMetrics already aggregated per minute, so a
// finer bin would show nothing more.
var charts = [
  {
    name: 'events'
    title: 'Events in, delivered, retried and dead-lettered, per minute'
    query: 'customMetrics | where name in ("storiesfunctions.events.received", "storiesfunctions.events.delivered", "storiesfunctions.events.retried", "storiesfunctions.events.dead_lettered") | summarize events = sum(valueSum) by name, bin(timestamp, 1m)'
    visualization: 'timechart'
  }
  {
    name: 'stories-latency'
    title: 'Stories latency (ms), p50 and p99'
    query: '${latencyBuckets} | order by minute asc, le asc | extend running = row_cumsum(calls, minute != prev(minute)) | join kind=inner (${latencyBuckets} | summarize total = sum(calls) by minute) on minute | summarize p50 = minif(le, running >= 0.5 * total), p99 = minif(le, running >= 0.99 * total) by timestamp = minute'
    visualization: 'timechart'
  }
  {
    name: 'stories-throttled'
    title: 'Stories calls answered 429 (%)'
    query: 'customMetrics | where name == "storiesfunctions.stories.calls" | summarize calls = sum(valueSum), throttled = sumif(valueSum, tostring(customDimensions.status) == "429") by bin(timestamp, 1m) | extend throttledPercent = round(100.0 * throttled / calls, 2) | project timestamp, throttledPercent'
    visualization: 'timechart'
  }
  {
    // Both gauges are in seconds, so they share one axis: the age says how late delivery is now, the time to
    // drain how long until it catches up at the Stories rate limit.
    name: 'backlog'
    title: 'Backlog: oldest waiting event and time to drain (s)'
    query: 'customMetrics | where name in ("storiesfunctions.backlog.oldest_age", "storiesfunctions.backlog.time_to_drain") | summarize seconds = max(valueMax) by name, bin(timestamp, 1m)'
    visualization: 'timechart'
  }
  {
    name: 'dead-letters-by-reason'
    title: 'Dead letters by reason'
    query: 'customMetrics | where name == "storiesfunctions.events.dead_lettered" | summarize deadLetters = sum(valueSum) by reason = tostring(customDimensions.reason) | order by deadLetters desc'
    visualization: 'table'
  }
]

var intro = {
  type: 1
  name: 'intro'
  content: {
    json: '## StoriesFunctions: delivery\n\nSegment events received by the webhook and forwarded to the Stories API, per minute over the last 24 hours. Retried events went back to the queue after a transient failure; dead-lettered events are kept and can be read with `GET /api/dead-letters` (admin key). Stories latency (from the app\'s latency buckets) and 429 answers come from the app\'s own Stories call metrics; the backlog charts the age of the oldest waiting event and the estimated time to drain it at the Stories rate limit.'
  }
}

var workbookContent = {
  version: 'Notebook/1.0'
  items: concat(
    [intro],
    map(charts, chart => {
      type: 3
      name: chart.name
      content: {
        version: 'KqlItem/1.0'
        query: chart.query
        size: 0
        title: chart.title
        timeContext: timeContext
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: chart.visualization
      }
    })
  )
  fallbackResourceIds: [
    applicationInsightsId
  ]
  '$schema': 'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json'
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's resource name must be a GUID; stable per resource group and component so redeploys update it.
  name: guid(resourceGroup().id, applicationInsightsId, 'stories-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: name
    category: 'workbook'
    sourceId: applicationInsightsId
    version: 'Notebook/1.0'
    serializedData: string(workbookContent)
  }
}

using StoriesFunctions.Tests.HostLevel.Benchmarks.Recording;

namespace StoriesFunctions.Tests.Costs.Recorder;

/// <summary>Requests as the Azure SDKs and the host send them are named by their REST operation, which the summary counts, and
/// metered in the price class the recording counts them in.</summary>
public class StorageOperationTests
{
    private static readonly TestCaseData[] Cases =
    [
        Case(StorageService.Queue, "GET /devstoreaccount1/segment-events/messages?numofmessages=16&visibilitytimeout=600", "GetMessages"),
        Case(StorageService.Queue, "GET /devstoreaccount1/segment-events/messages?numofmessages=32&peekonly=true", "PeekMessages"),
        Case(StorageService.Queue, "POST /devstoreaccount1/segment-events/messages?messagettl=-1", "PutMessage"),
        Case(StorageService.Queue, "DELETE /devstoreaccount1/segment-events/messages/0b5e?popreceipt=AgAAAA%3D%3D", "DeleteMessage"),
        Case(StorageService.Queue, "PUT /devstoreaccount1/segment-events/messages/0b5e?popreceipt=x&visibilitytimeout=30", "UpdateMessage"),
        Case(StorageService.Queue, "GET /devstoreaccount1/segment-events?comp=metadata", "GetQueueMetadata"),
        Case(StorageService.Queue, "PUT /devstoreaccount1/segment-events", "CreateQueue"),
        Case(StorageService.Blob, "PUT /devstoreaccount1/azure-webjobs-hosts/locks/host/host?comp=lease", "RenewLease", "x-ms-lease-action: renew"),
        Case(StorageService.Blob, "PUT /devstoreaccount1/azure-webjobs-hosts/locks/host/host?comp=lease", "AcquireLease", "x-ms-lease-action: acquire"),
        Case(StorageService.Blob, "GET /devstoreaccount1/azure-webjobs-hosts/timers/h/Functions.BacklogGauges/status", "GetBlob"),
        Case(StorageService.Blob, "PUT /devstoreaccount1/azure-webjobs-hosts/timers/h/Functions.BacklogGauges/status", "PutBlob"),
        Case(StorageService.Blob, "PUT /devstoreaccount1/azure-webjobs-hosts?restype=container", "CreateContainer"),
        Case(StorageService.Blob, "GET /devstoreaccount1/azure-webjobs-hosts?restype=container&comp=list&prefix=x", "ListBlobs"),
        Case(StorageService.Table, "POST /devstoreaccount1/Tables", "CreateTable"),
        Case(StorageService.Table, "DELETE /devstoreaccount1/Tables('delivered20261130')", "DeleteTable"),
        Case(StorageService.Table, "GET /devstoreaccount1/delivered20261130(PartitionKey='a',RowKey='b')", "QueryEntities"),
        Case(StorageService.Table, "POST /devstoreaccount1/delivered20261130", "InsertEntity"),
        Case(StorageService.Table, "PUT /devstoreaccount1/storiesbudget(PartitionKey='a',RowKey='b')", "UpdateEntity"),
        Case(StorageService.Table, "MERGE /devstoreaccount1/storiesbudget(PartitionKey='a',RowKey='b')", "MergeEntity"),
        Case(StorageService.Table, "POST /devstoreaccount1/$batch", "EntityGroupTransaction"),
    ];

    private static readonly TestCaseData[] Meters =
    [
        Meter(StorageService.Queue, "GET /devstoreaccount1/segment-events/messages?numofmessages=16", StorageMeter.QueueClass2),
        Meter(StorageService.Queue, "PUT /devstoreaccount1/segment-events", StorageMeter.QueueClass2),
        Meter(StorageService.Table, "GET /devstoreaccount1/delivered20261130(PartitionKey='a',RowKey='b')", StorageMeter.TableTransaction),
        Meter(StorageService.Table, "POST /devstoreaccount1/Tables", StorageMeter.TableTransaction),
        Meter(StorageService.Blob, "PUT /devstoreaccount1/azure-webjobs-hosts/locks/host/host?comp=lease", StorageMeter.BlobRead),
        Meter(StorageService.Blob, "PUT /devstoreaccount1/azure-webjobs-hosts/timers/h/Functions.BacklogGauges/status", StorageMeter.BlobWrite),
        Meter(StorageService.Blob, "PUT /devstoreaccount1/azure-webjobs-hosts?restype=container", StorageMeter.BlobWrite),
        Meter(StorageService.Blob, "POST /devstoreaccount1/azure-webjobs-hosts?restype=container&comp=batch", StorageMeter.BlobWrite),
        Meter(StorageService.Blob, "DELETE /devstoreaccount1/azure-webjobs-hosts/locks/host/host", StorageMeter.BlobRead),
        Meter(StorageService.Blob, "GET /devstoreaccount1/azure-webjobs-hosts?restype=container&comp=list&prefix=x", StorageMeter.BlobWrite),
        Meter(StorageService.Blob, "GET /devstoreaccount1/?comp=list", StorageMeter.BlobWrite),
        Meter(StorageService.Blob, "GET /devstoreaccount1/azure-webjobs-hosts/timers/h/Functions.BacklogGauges/status", StorageMeter.BlobRead),
        Meter(StorageService.Blob, "HEAD /devstoreaccount1/azure-webjobs-hosts/timers/h/Functions.BacklogGauges/status", StorageMeter.BlobRead),
        Meter(StorageService.Blob, "GET /devstoreaccount1/azure-webjobs-hosts?restype=container", StorageMeter.BlobRead),
    ];

    [TestCaseSource(nameof(Cases))]
    public string Name_RequestHead_IsItsRestOperation(string service, string head) =>
        StorageRequest.Parse(Enum.Parse<StorageService>(service), head, DateTimeOffset.UnixEpoch).Operation;

    [TestCaseSource(nameof(Meters))]
    public string Meter_RequestHead_IsItsPriceClass(string service, string head) =>
        StorageRequest.Parse(Enum.Parse<StorageService>(service), head, DateTimeOffset.UnixEpoch).Meter.ToString();

    private static TestCaseData Case(StorageService service, string requestLine, string operation, string? header = null) =>
        new TestCaseData(service.ToString(), Head(requestLine, header)).Returns(operation).SetArgDisplayNames(requestLine.Split(' ')[0], operation);

    private static TestCaseData Meter(StorageService service, string requestLine, StorageMeter meter) =>
        new TestCaseData(service.ToString(), Head(requestLine, null)).Returns(meter.ToString()).SetArgDisplayNames(requestLine, meter.ToString());

    private static string Head(string requestLine, string? header) =>
        $"{requestLine} HTTP/1.1\r\nHost: 127.0.0.1\r\n{(header is null ? string.Empty : header + "\r\n")}\r\n";
}

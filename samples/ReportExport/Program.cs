using Switchyard.Samples.ReportExport;

// Sample 5 of samples/README.md: "don't make the user wait". See README.md here for the endpoints.
await using var app = ReportExportApp.Build(args);
await app.RunAsync();
